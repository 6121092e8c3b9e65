//! PostgreSQL backend, for registries at national scale and for several server processes on one database.
//!
//! A deadpool connection pool over tokio-postgres. Migrations run under a session advisory lock so that
//! servers starting together apply them once. The duplicate rule takes a transaction advisory lock per
//! certificate number, so two concurrent issues for the same person and item cannot both pass the check.

use async_trait::async_trait;
use certguard_access::Role;
use certguard_registry::{Certificate, Serial};
use certguard_store::*;
use certguard_types::{AuthorityCode, CertificateNumber, PersonName};
use chrono::{DateTime, Utc};
use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod};
use tokio_postgres::error::SqlState;
use tokio_postgres::types::ToSql;
use tokio_postgres::{NoTls, Row};

const MIGRATIONS: &[(i64, &str)] = &[
    (1, include_str!("../migrations/0001_init.sql")),
    (2, include_str!("../migrations/0002_status_index.sql")),
    (3, include_str!("../migrations/0003_audit_filters_leads.sql")),
];
/// Advisory lock key for migrations ("certguard" folded into an i64).
const MIGRATION_LOCK: i64 = 0x6365_7274_6775_6172;

pub struct PgStore {
    pool: Pool,
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
        let store = PgStore { pool };
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

async fn insert_event(c: &impl deadpool_postgres::GenericClient, cert_id: i64, e: &NewRecord) -> StoreResult<()> {
    c.execute(
        "INSERT INTO certificate_events (certificate_id, kind, body, actor, at) VALUES ($1, $2, $3, $4, $5)",
        &[&cert_id, &e.event.code(), &encode_event(&e.event), &e.actor, &e.at],
    )
    .await
    .map_err(pg)?;
    Ok(())
}

const CERT_COLUMNS: &str = "body, version, created_at, updated_at";

fn to_stored(r: &Row) -> StoreResult<StoredCertificate> {
    Ok(StoredCertificate {
        certificate: decode_certificate(r.get::<_, &str>(0))?,
        version: r.get(1),
        created_at: r.get(2),
        updated_at: r.get(3),
    })
}

const USER_COLUMNS: &str = "id, username, display_name, password_hash, role, authority, disabled, created_at";

fn to_user(r: &Row) -> StoreResult<UserRecord> {
    let role: &str = r.get(4);
    let authority: Option<&str> = r.get(5);
    Ok(UserRecord {
        id: r.get(0),
        username: r.get(1),
        display_name: r.get(2),
        password_hash: r.get(3),
        role: Role::from_code(role).ok_or_else(|| StoreError::Corrupt(format!("role {role}")))?,
        authority: authority
            .map(|a| a.parse::<AuthorityCode>())
            .transpose()
            .map_err(|e| StoreError::Corrupt(format!("authority: {e}")))?,
        disabled: r.get(6),
        created_at: r.get(7),
    })
}

#[async_trait]
impl Store for PgStore {
    fn backend(&self) -> &'static str {
        "postgres"
    }

    async fn put_authority(&self, a: &Authority) -> StoreResult<()> {
        self.client()
            .await?
            .execute(
                "INSERT INTO authorities (code, name_zh, name_en, region) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (code) DO UPDATE SET name_zh = excluded.name_zh, name_en = excluded.name_en, region = excluded.region",
                &[&a.code.as_str(), &a.name_zh, &a.name_en, &a.region],
            )
            .await
            .map_err(pg)?;
        Ok(())
    }

    async fn authorities(&self) -> StoreResult<Vec<Authority>> {
        let rows = self
            .client()
            .await?
            .query("SELECT code, name_zh, name_en, region FROM authorities ORDER BY code", &[])
            .await
            .map_err(pg)?;
        rows.iter()
            .map(|r| {
                Ok(Authority {
                    code: r
                        .get::<_, &str>(0)
                        .parse()
                        .map_err(|e| StoreError::Corrupt(format!("authority code: {e}")))?,
                    name_zh: r.get(1),
                    name_en: r.get(2),
                    region: r.get(3),
                })
            })
            .collect()
    }

    async fn insert_certificates(&self, batch: &[NewRecord], audit: &AuditRecord) -> StoreResult<Vec<InsertOutcome>> {
        let mut c = self.client().await?;
        let tx = c.transaction().await.map_err(pg)?;
        let same_scope = tx
            .prepare("SELECT body FROM certificates WHERE number = $1 AND code1 = $2 AND code2 = $3")
            .await
            .map_err(pg)?;
        let insert = tx
            .prepare(
                "INSERT INTO certificates (serial, number, holder_name, code1, code2, kind, authority, lifecycle,
                 valid_from, valid_until, review_due, version, created_at, updated_at, body, status_idx)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 1, $12, $12, $13, $14) RETURNING id",
            )
            .await
            .map_err(pg)?;
        let mut outcomes = Vec::with_capacity(batch.len());
        for rec in batch {
            let cert = &rec.certificate;
            let (code1, code2) = cert.scope.codes();
            tx.execute("SELECT pg_advisory_xact_lock(hashtext($1))", &[&cert.number.as_str()]).await.map_err(pg)?;
            let existing = tx
                .query(&same_scope, &[&cert.number.as_str(), &code1, &code2])
                .await
                .map_err(pg)?
                .iter()
                .map(|r| decode_certificate(r.get::<_, &str>(0)))
                .collect::<StoreResult<Vec<Certificate>>>()?;
            let outcome = classify_insert(&existing, cert);
            if outcome == InsertOutcome::Inserted {
                let row = tx
                    .query_one(
                        &insert,
                        &[
                            &cert.serial.to_hex(),
                            &cert.number.as_str(),
                            &cert.holder.name.as_str(),
                            &code1,
                            &code2,
                            &cert.kind().code(),
                            &cert.authority.as_str(),
                            &cert.lifecycle.code(),
                            &cert.valid_from,
                            &cert.valid_until,
                            &cert.review_due,
                            &rec.at,
                            &encode_certificate(cert),
                            &cert.credential.as_ref().map(|c| c.status_idx as i64),
                        ],
                    )
                    .await
                    .map_err(pg)?;
                insert_event(&tx, row.get(0), rec).await?;
            }
            outcomes.push(outcome);
        }
        insert_audit(&tx, audit).await?;
        tx.commit().await.map_err(pg)?;
        Ok(outcomes)
    }

    async fn update_certificate(
        &self,
        cert: &Certificate,
        expected_version: i64,
        event: &NewRecord,
        audit: &AuditRecord,
    ) -> StoreResult<i64> {
        let mut c = self.client().await?;
        let tx = c.transaction().await.map_err(pg)?;
        let row = tx
            .query_opt("SELECT id, version FROM certificates WHERE serial = $1 FOR UPDATE", &[&cert.serial.to_hex()])
            .await
            .map_err(pg)?
            .ok_or_else(|| StoreError::NotFound(format!("certificate {}", cert.serial)))?;
        let (id, version): (i64, i64) = (row.get(0), row.get(1));
        if version != expected_version {
            return Err(StoreError::Conflict(format!(
                "certificate {} changed meanwhile (version {version}, expected {expected_version})",
                cert.serial
            )));
        }
        let new_version = version + 1;
        tx.execute(
            "UPDATE certificates SET holder_name = $2, lifecycle = $3, valid_from = $4, valid_until = $5,
             review_due = $6, version = $7, updated_at = $8, body = $9, status_idx = $10 WHERE id = $1",
            &[
                &id,
                &cert.holder.name.as_str(),
                &cert.lifecycle.code(),
                &cert.valid_from,
                &cert.valid_until,
                &cert.review_due,
                &new_version,
                &event.at,
                &encode_certificate(cert),
                &cert.credential.as_ref().map(|c| c.status_idx as i64),
            ],
        )
        .await
        .map_err(pg)?;
        insert_event(&tx, id, event).await?;
        insert_audit(&tx, audit).await?;
        tx.commit().await.map_err(pg)?;
        Ok(new_version)
    }

    async fn certificate(&self, serial: &Serial) -> StoreResult<Option<StoredCertificate>> {
        let row = self
            .client()
            .await?
            .query_opt(&format!("SELECT {CERT_COLUMNS} FROM certificates WHERE serial = $1"), &[&serial.to_hex()])
            .await
            .map_err(pg)?;
        row.as_ref().map(to_stored).transpose()
    }

    async fn lookup(&self, number: &CertificateNumber, name: &PersonName) -> StoreResult<Vec<Certificate>> {
        let c = self.client().await?;
        let st = c
            .prepare_cached("SELECT body FROM certificates WHERE number = $1 AND holder_name = $2 ORDER BY id")
            .await
            .map_err(pg)?;
        let rows = c.query(&st, &[&number.as_str(), &name.as_str()]).await.map_err(pg)?;
        rows.iter().map(|r| decode_certificate(r.get::<_, &str>(0))).collect()
    }

    async fn search(&self, q: &CertificateQuery) -> StoreResult<(Vec<StoredCertificate>, u64)> {
        let mut conds: Vec<String> = Vec::new();
        let mut args: Vec<Box<dyn ToSql + Sync + Send>> = Vec::new();
        if let Some(a) = &q.authority {
            args.push(Box::new(a.as_str().to_string()));
            conds.push(format!("authority = ${}", args.len()));
        }
        if let Some(t) = q.text.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
            if let Ok(n) = t.parse::<CertificateNumber>()
                && n.as_str().len() >= 6
                && n.as_str().chars().skip(1).all(|ch| ch.is_ascii_digit() || ch == 'X')
            {
                args.push(Box::new(n.as_str().to_string()));
                conds.push(format!("number = ${}", args.len()));
            } else {
                args.push(Box::new(like_prefix(t)));
                conds.push(format!("holder_name LIKE ${} ESCAPE '\\'", args.len()));
            }
        }
        if let Some(status) = q.status {
            let today = q.today.unwrap_or_else(|| Utc::now().date_naive());
            let cond = status_condition(status, today, |d| {
                args.push(Box::new(d));
                format!("${}", args.len())
            });
            conds.push(format!("({cond})"));
        }
        let where_clause = if conds.is_empty() { String::new() } else { format!("WHERE {}", conds.join(" AND ")) };
        let params: Vec<&(dyn ToSql + Sync)> = args.iter().map(|b| b.as_ref() as &(dyn ToSql + Sync)).collect();
        let c = self.client().await?;
        let total: i64 = c
            .query_one(&format!("SELECT COUNT(*) FROM certificates {where_clause}"), &params)
            .await
            .map_err(pg)?
            .get(0);
        let limit = q.limit.clamp(1, 500);
        let rows = c
            .query(
                &format!(
                    "SELECT {CERT_COLUMNS} FROM certificates {where_clause} ORDER BY id DESC LIMIT {limit} OFFSET {}",
                    q.offset
                ),
                &params,
            )
            .await
            .map_err(pg)?;
        let items = rows.iter().map(to_stored).collect::<StoreResult<Vec<_>>>()?;
        Ok((items, total as u64))
    }

    async fn certificates_after(
        &self,
        cursor: i64,
        authority: Option<&AuthorityCode>,
        limit: u32,
    ) -> StoreResult<Vec<(i64, Certificate)>> {
        let auth = authority.map(|a| a.as_str()).unwrap_or("");
        let rows = self
            .client()
            .await?
            .query(
                "SELECT id, body FROM certificates WHERE id > $1 AND ($3 = '' OR authority = $3) ORDER BY id LIMIT $2",
                &[&cursor, &(limit as i64), &auth],
            )
            .await
            .map_err(pg)?;
        rows.iter().map(|r| Ok((r.get(0), decode_certificate(r.get::<_, &str>(1))?))).collect()
    }

    async fn history(&self, serial: &Serial) -> StoreResult<Vec<StoredEvent>> {
        let rows = self
            .client()
            .await?
            .query(
                "SELECT e.seq, e.body, e.actor, e.at FROM certificate_events e
                 JOIN certificates c ON c.id = e.certificate_id WHERE c.serial = $1 ORDER BY e.seq",
                &[&serial.to_hex()],
            )
            .await
            .map_err(pg)?;
        rows.iter()
            .map(|r| {
                Ok(StoredEvent {
                    seq: r.get(0),
                    serial: *serial,
                    event: decode_event(r.get::<_, &str>(1))?,
                    actor: r.get(2),
                    at: r.get(3),
                })
            })
            .collect()
    }

    async fn status_index_taken(&self, authority: &AuthorityCode, idx: u64) -> StoreResult<bool> {
        let row = self
            .client()
            .await?
            .query_opt(
                "SELECT 1 FROM certificates WHERE authority = $1 AND status_idx = $2",
                &[&authority.as_str(), &(idx as i64)],
            )
            .await
            .map_err(pg)?;
        Ok(row.is_some())
    }

    async fn status_entries(&self, authority: &AuthorityCode) -> StoreResult<Vec<(u64, String)>> {
        let rows = self
            .client()
            .await?
            .query(
                "SELECT status_idx, lifecycle FROM certificates WHERE authority = $1 AND status_idx IS NOT NULL",
                &[&authority.as_str()],
            )
            .await
            .map_err(pg)?;
        Ok(rows.iter().map(|r| (r.get::<_, i64>(0) as u64, r.get::<_, String>(1))).collect())
    }

    async fn counts(&self) -> StoreResult<RegistryCounts> {
        let rows = self
            .client()
            .await?
            .query("SELECT lifecycle, COUNT(*) FROM certificates GROUP BY lifecycle ORDER BY lifecycle", &[])
            .await
            .map_err(pg)?;
        let by: Vec<(String, u64)> = rows.iter().map(|r| (r.get::<_, String>(0), r.get::<_, i64>(1) as u64)).collect();
        Ok(RegistryCounts { certificates: by.iter().map(|(_, n)| n).sum(), by_lifecycle: by })
    }

    async fn create_user(&self, u: &NewUser, audit: &AuditRecord) -> StoreResult<i64> {
        let mut c = self.client().await?;
        let tx = c.transaction().await.map_err(pg)?;
        let row = tx
            .query_one(
                "INSERT INTO users (username, display_name, password_hash, role, authority, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                &[
                    &u.username,
                    &u.display_name,
                    &u.password_hash,
                    &u.role.code(),
                    &u.authority.as_ref().map(|a| a.as_str()),
                    &audit.at,
                ],
            )
            .await
            .map_err(|e| match pg(e) {
                StoreError::Conflict(_) => {
                    StoreError::Conflict(format!("user {} exists, or authority unknown", u.username))
                }
                other => other,
            })?;
        insert_audit(&tx, audit).await?;
        tx.commit().await.map_err(pg)?;
        Ok(row.get(0))
    }

    async fn user_by_name(&self, username: &str) -> StoreResult<Option<UserRecord>> {
        let row = self
            .client()
            .await?
            .query_opt(&format!("SELECT {USER_COLUMNS} FROM users WHERE username = $1"), &[&username])
            .await
            .map_err(pg)?;
        row.as_ref().map(to_user).transpose()
    }

    async fn user_by_id(&self, id: i64) -> StoreResult<Option<UserRecord>> {
        let row = self
            .client()
            .await?
            .query_opt(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1"), &[&id])
            .await
            .map_err(pg)?;
        row.as_ref().map(to_user).transpose()
    }

    async fn users(&self) -> StoreResult<Vec<UserRecord>> {
        let rows = self
            .client()
            .await?
            .query(&format!("SELECT {USER_COLUMNS} FROM users ORDER BY id"), &[])
            .await
            .map_err(pg)?;
        rows.iter().map(to_user).collect()
    }

    async fn set_password(&self, user_id: i64, hash: &str, audit: &AuditRecord) -> StoreResult<()> {
        let mut c = self.client().await?;
        let tx = c.transaction().await.map_err(pg)?;
        let n =
            tx.execute("UPDATE users SET password_hash = $2 WHERE id = $1", &[&user_id, &hash]).await.map_err(pg)?;
        if n == 0 {
            return Err(StoreError::NotFound(format!("user {user_id}")));
        }
        tx.execute("DELETE FROM sessions WHERE user_id = $1", &[&user_id]).await.map_err(pg)?;
        insert_audit(&tx, audit).await?;
        tx.commit().await.map_err(pg)
    }

    async fn create_session(&self, s: &SessionRecord) -> StoreResult<()> {
        let c = self.client().await?;
        c.execute(
            "INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
            &[&s.token_hash, &s.user_id, &s.created_at, &s.expires_at],
        )
        .await
        .map_err(pg)?;
        c.execute("DELETE FROM sessions WHERE expires_at < $1", &[&s.created_at]).await.map_err(pg)?;
        Ok(())
    }

    async fn session(&self, token_hash: &str, now: DateTime<Utc>) -> StoreResult<Option<(SessionRecord, UserRecord)>> {
        let c = self.client().await?;
        let st = c
            .prepare_cached(&format!(
                "SELECT s.token_hash, s.user_id, s.created_at, s.expires_at, {} FROM sessions s JOIN users u ON u.id = s.user_id
                 WHERE s.token_hash = $1 AND s.expires_at > $2 AND NOT u.disabled",
                USER_COLUMNS.split(", ").map(|c| format!("u.{c}")).collect::<Vec<_>>().join(", ")
            ))
            .await
            .map_err(pg)?;
        let Some(r) = c.query_opt(&st, &[&token_hash, &now]).await.map_err(pg)? else {
            return Ok(None);
        };
        let session =
            SessionRecord { token_hash: r.get(0), user_id: r.get(1), created_at: r.get(2), expires_at: r.get(3) };
        let user = UserRecord {
            id: r.get(4),
            username: r.get(5),
            display_name: r.get(6),
            password_hash: r.get(7),
            role: Role::from_code(r.get(8)).ok_or_else(|| StoreError::Corrupt("role".into()))?,
            authority: r
                .get::<_, Option<&str>>(9)
                .map(|a| a.parse())
                .transpose()
                .map_err(|e| StoreError::Corrupt(format!("authority: {e}")))?,
            disabled: r.get(10),
            created_at: r.get(11),
        };
        Ok(Some((session, user)))
    }

    async fn delete_session(&self, token_hash: &str) -> StoreResult<()> {
        self.client().await?.execute("DELETE FROM sessions WHERE token_hash = $1", &[&token_hash]).await.map_err(pg)?;
        Ok(())
    }

    async fn create_api_token(
        &self,
        user_id: i64,
        name: &str,
        token_hash: &str,
        audit: &AuditRecord,
    ) -> StoreResult<i64> {
        let mut c = self.client().await?;
        let tx = c.transaction().await.map_err(pg)?;
        let row = tx
            .query_one(
                "INSERT INTO api_tokens (name, user_id, token_hash, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
                &[&name, &user_id, &token_hash, &audit.at],
            )
            .await
            .map_err(pg)?;
        insert_audit(&tx, audit).await?;
        tx.commit().await.map_err(pg)?;
        Ok(row.get(0))
    }

    async fn api_token(&self, token_hash: &str) -> StoreResult<Option<(ApiTokenRecord, UserRecord)>> {
        let c = self.client().await?;
        let Some(t) = c
            .query_opt(
                "SELECT id, name, user_id, token_hash, created_at FROM api_tokens WHERE token_hash = $1",
                &[&token_hash],
            )
            .await
            .map_err(pg)?
        else {
            return Ok(None);
        };
        let token = ApiTokenRecord {
            id: t.get(0),
            name: t.get(1),
            user_id: t.get(2),
            token_hash: t.get(3),
            created_at: t.get(4),
        };
        let Some(u) = c
            .query_opt(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1 AND NOT disabled"), &[&token.user_id])
            .await
            .map_err(pg)?
        else {
            return Ok(None);
        };
        Ok(Some((token, to_user(&u)?)))
    }

    async fn append_audit(&self, a: &AuditRecord) -> StoreResult<()> {
        let c = self.client().await?;
        insert_audit(&c, a).await
    }

    async fn audit_log(&self, q: &AuditQuery) -> StoreResult<Vec<AuditRecord>> {
        let prefix = q.action_prefix.as_deref().map(like_prefix);
        let rows = self
            .client()
            .await?
            .query(
                "SELECT at, actor, action, target, detail, client FROM audit_log \
                 WHERE ($3::text IS NULL OR actor = $3) AND ($4::text IS NULL OR action LIKE $4 ESCAPE '\\') \
                 ORDER BY id DESC LIMIT $1 OFFSET $2",
                &[&(q.limit as i64), &(q.offset as i64), &q.actor, &prefix],
            )
            .await
            .map_err(pg)?;
        Ok(rows
            .iter()
            .map(|r| AuditRecord {
                at: r.get(0),
                actor: r.get(1),
                action: r.get(2),
                target: r.get(3),
                detail: r.get(4),
                client: r.get(5),
            })
            .collect())
    }

    async fn record_lead_sighting(&self, l: &LeadSighting) -> StoreResult<()> {
        self.client()
            .await?
            .execute(
                "INSERT INTO lead_candidates (domain, url, verdict, score, first_seen, last_seen, sightings) \
                 VALUES ($1, $2, $3, $4, $5, $5, 1) \
                 ON CONFLICT (domain) DO UPDATE SET url = excluded.url, verdict = excluded.verdict, \
                 score = excluded.score, last_seen = excluded.last_seen, \
                 sightings = lead_candidates.sightings + 1",
                &[&l.domain, &l.url, &l.verdict, &l.score, &l.at],
            )
            .await
            .map_err(pg)?;
        Ok(())
    }

    async fn lead_candidates(&self, limit: u32) -> StoreResult<Vec<LeadCandidate>> {
        let rows = self
            .client()
            .await?
            .query(
                "SELECT domain, url, verdict, score, first_seen, last_seen, sightings FROM lead_candidates \
                 ORDER BY last_seen DESC LIMIT $1",
                &[&(limit as i64)],
            )
            .await
            .map_err(pg)?;
        Ok(rows
            .iter()
            .map(|r| LeadCandidate {
                domain: r.get(0),
                url: r.get(1),
                verdict: r.get(2),
                score: r.get(3),
                first_seen: r.get(4),
                last_seen: r.get(5),
                sightings: r.get(6),
            })
            .collect())
    }
}
