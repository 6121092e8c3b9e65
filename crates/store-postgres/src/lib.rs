//! PostgreSQL backend, for registries at national scale and for several server processes on one database.
//!
//! A deadpool connection pool over tokio-postgres. Migrations run under a session advisory lock so that
//! servers starting together apply them once. The duplicate rule takes a transaction advisory lock per
//! certificate number, so two concurrent issues for the same person and item cannot both pass the check.

use certguard_store::*;
use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod};
use tokio_postgres::NoTls;
use tokio_postgres::error::SqlState;

mod accounts;
mod audit;
mod cases;
mod certificates;
mod employers;
mod exam;
mod leads;
mod log;

const MIGRATIONS: &[(i64, &str)] = &[
    (1, include_str!("../migrations/0001_init.sql")),
    (2, include_str!("../migrations/0002_status_index.sql")),
    (3, include_str!("../migrations/0003_audit_filters_leads.sql")),
    (4, include_str!("../migrations/0004_transparency_log.sql")),
    (5, include_str!("../migrations/0005_leads.sql")),
    (6, include_str!("../migrations/0006_lead_jobs.sql")),
    (7, include_str!("../migrations/0007_exam_events.sql")),
    (8, include_str!("../migrations/0008_cases.sql")),
    (9, include_str!("../migrations/0009_employers.sql")),
];
/// Advisory lock key for migrations ("certguard" folded into an i64).
const MIGRATION_LOCK: i64 = 0x6365_7274_6775_6172;

pub struct PgStore {
    pool: Pool,
    /// The connection holding the log sequencer's session advisory lock, while this process sequences.
    log_leader: tokio::sync::Mutex<Option<deadpool_postgres::Object>>,
}

fn backend<E: std::fmt::Display>(e: E) -> StoreError {
    StoreError::Backend(e.to_string())
}

fn pg(e: tokio_postgres::Error) -> StoreError {
    if e.code() == Some(&SqlState::UNIQUE_VIOLATION) || e.code() == Some(&SqlState::FOREIGN_KEY_VIOLATION) {
        StoreError::Conflict(e.to_string())
    } else {
        StoreError::Backend(e.to_string())
    }
}

impl PgStore {
    /// Connects to `url` (e.g. postgres://postgres@127.0.0.1:5432/certguard) and applies pending migrations.
    pub async fn connect(url: &str, max_connections: usize) -> StoreResult<PgStore> {
        let config: tokio_postgres::Config =
            url.parse().map_err(|e| StoreError::Backend(format!("database URL: {e}")))?;
        let manager = Manager::from_config(config, NoTls, ManagerConfig { recycling_method: RecyclingMethod::Fast });
        let pool = Pool::builder(manager).max_size(max_connections.max(2)).build().map_err(backend)?;
        let store = PgStore { pool, log_leader: tokio::sync::Mutex::new(None) };
        store.migrate().await?;
        Ok(store)
    }

    async fn migrate(&self) -> StoreResult<()> {
        let mut c = self.pool.get().await.map_err(backend)?;
        c.execute("SELECT pg_advisory_lock($1)", &[&MIGRATION_LOCK]).await.map_err(pg)?;
        let result = async {
            c.batch_execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL)",
            )
            .await
            .map_err(pg)?;
            for (version, sql) in MIGRATIONS {
                let tx = c.transaction().await.map_err(pg)?;
                let done = tx.query_opt("SELECT version FROM schema_migrations WHERE version = $1", &[version]).await.map_err(pg)?;
                if done.is_none() {
                    tx.batch_execute(sql).await.map_err(pg)?;
                    tx.execute("INSERT INTO schema_migrations (version, applied_at) VALUES ($1, now())", &[version])
                        .await
                        .map_err(pg)?;
                }
                tx.commit().await.map_err(pg)?;
            }
            Ok(())
        }
        .await;
        c.execute("SELECT pg_advisory_unlock($1)", &[&MIGRATION_LOCK]).await.map_err(pg)?;
        result
    }

    async fn client(&self) -> StoreResult<deadpool_postgres::Object> {
        self.pool.get().await.map_err(backend)
    }
}

async fn insert_audit(c: &impl deadpool_postgres::GenericClient, a: &AuditRecord) -> StoreResult<()> {
    c.execute(
        "INSERT INTO audit_log (at, actor, action, target, detail, client) VALUES ($1, $2, $3, $4, $5, $6)",
        &[&a.at, &a.actor, &a.action, &a.target, &a.detail, &a.client],
    )
    .await
    .map_err(pg)?;
    Ok(())
}

impl Store for PgStore {
    fn backend(&self) -> &'static str {
        "postgres"
    }
}
