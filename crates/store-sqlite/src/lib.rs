//! SQLite backend (the embedded default): one file under the data directory, WAL, foreign keys on.
//!
//! One writer connection behind a mutex (SQLite allows one writer at a time anyway) and a small pool of
//! reader connections. Reads are point queries on indexes and run inline on the calling task (they take
//! microseconds, cheaper than a hop to a blocking thread: this is what keeps the public lookup fast); writes
//! may take longer (import batches) and run on tokio's blocking pool.

use certguard_store::*;
use chrono::{DateTime, NaiveDate, Utc};
use parking_lot::Mutex;
use rusqlite::{Connection, OpenFlags, OptionalExtension, params};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

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

pub struct SqliteStore {
    path: PathBuf,
    writer: Arc<Mutex<Connection>>,
    readers: Vec<Mutex<Connection>>,
    next_reader: AtomicUsize,
}

fn backend(e: rusqlite::Error) -> StoreError {
    StoreError::Backend(e.to_string())
}

/// `YYYY-MM-DDTHH:MM:SS.ffffffZ`: fixed width, so that text order is time order. Written by hand: chrono's
/// `format` parses its pattern on every call, which showed in bulk inserts.
fn ts(t: &DateTime<Utc>) -> String {
    use chrono::{Datelike, Timelike};
    use std::fmt::Write;
    let year = t.year();
    if !(0..=9999).contains(&year) {
        return t.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string();
    }
    let mut s = String::with_capacity(27);
    let _ = write!(
        s,
        "{year:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z",
        t.month(),
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
        (t.nanosecond() % 1_000_000_000) / 1000
    );
    s
}

fn parse_ts(s: &str) -> StoreResult<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| StoreError::Corrupt(format!("timestamp {s}: {e}")))
}

fn date(d: &NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// Settings every connection gets. The query-planner stability guarantee keeps SQLite (built with STAT4)
/// from re-preparing a cached statement whenever a bound value changes: without it every lookup paid a
/// full parse and plan (measured: about a third of the lookup's time).
fn configure_common(conn: &Connection) -> rusqlite::Result<()> {
    conn.set_db_config(rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true)?;
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.pragma_update(None, "cache_size", -8_000)?;
    Ok(())
}

/// How much of the database file each reader maps.
const READER_MMAP_BYTES: i64 = 16 << 30;

/// The writer's page cache, KiB. A bulk transaction (50,000 exam events, an import batch) dirties more pages
/// than the readers' 8 MB hold; a writer that runs out spills them to the WAL mid-transaction and writes them
/// again at the commit. The cache only grows as far as it is used.
const WRITER_CACHE_KIB: i64 = 64 * 1024;

fn configure(conn: &Connection) -> rusqlite::Result<()> {
    configure_common(conn)?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "cache_size", -WRITER_CACHE_KIB)?;
    Ok(())
}

impl SqliteStore {
    /// Opens (creating if needed) the database file and applies pending migrations.
    pub fn open(path: &Path) -> StoreResult<SqliteStore> {
        let mut writer = Connection::open(path).map_err(backend)?;
        configure(&writer).map_err(backend)?;
        migrate(&mut writer)?;
        let readers = (0..4)
            .map(|_| {
                let c = Connection::open_with_flags(
                    path,
                    OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX | OpenFlags::SQLITE_OPEN_URI,
                )?;
                configure_common(&c)?;
                // Readers map the file: a lookup's pages are read in place instead of copied out of the
                // OS page cache by a system call each (SQLite caps the mapping at its compile-time maximum).
                c.pragma_update(None, "mmap_size", READER_MMAP_BYTES)?;
                Ok(Mutex::new(c))
            })
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(backend)?;
        Ok(SqliteStore {
            path: path.to_path_buf(),
            writer: Arc::new(Mutex::new(writer)),
            readers,
            next_reader: AtomicUsize::new(0),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn read<T>(&self, f: impl FnOnce(&Connection) -> StoreResult<T>) -> StoreResult<T> {
        let n = self.readers.len();
        let start = self.next_reader.fetch_add(1, Ordering::Relaxed);
        for i in 0..n {
            if let Some(c) = self.readers[(start + i) % n].try_lock() {
                return f(&c);
            }
        }
        let c = self.readers[start % n].lock();
        f(&c)
    }

    async fn write<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Connection) -> StoreResult<T> + Send + 'static,
    ) -> StoreResult<T> {
        let writer = self.writer.clone();
        tokio::task::spawn_blocking(move || {
            let mut c = writer.lock();
            f(&mut c)
        })
        .await
        .map_err(|e| StoreError::Backend(format!("writer task: {e}")))?
    }
}

fn migrate(conn: &mut Connection) -> StoreResult<()> {
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)",
    )
    .map_err(backend)?;
    for (version, sql) in MIGRATIONS {
        let tx = conn.transaction().map_err(backend)?;
        let done: Option<i64> = tx
            .query_row("SELECT version FROM schema_migrations WHERE version = ?1", [version], |r| r.get(0))
            .optional()
            .map_err(backend)?;
        if done.is_none() {
            tx.execute_batch(sql).map_err(backend)?;
            tx.execute(
                "INSERT INTO schema_migrations (version, applied_at) VALUES (?1, ?2)",
                params![version, ts(&Utc::now())],
            )
            .map_err(backend)?;
        }
        tx.commit().map_err(backend)?;
    }
    Ok(())
}

fn unique_violation(e: &rusqlite::Error) -> bool {
    matches!(e, rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::ConstraintViolation)
}

fn insert_audit(conn: &Connection, a: &AuditRecord) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO audit_log (at, actor, action, target, detail, client) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![ts(&a.at), a.actor, a.action, a.target, a.detail, a.client],
    )?;
    Ok(())
}

impl Store for SqliteStore {
    fn backend(&self) -> &'static str {
        "sqlite"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Timelike;

    #[test]
    fn timestamps_keep_their_format() {
        for t in ["2024-06-01T09:00:00Z", "2026-12-04T23:59:59.123456789Z", "0001-01-01T00:00:00.5Z"] {
            let t: DateTime<Utc> = t.parse().unwrap();
            assert_eq!(ts(&t), t.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string());
            assert_eq!(parse_ts(&ts(&t)).unwrap(), t.with_nanosecond(t.nanosecond() / 1000 * 1000).unwrap());
        }
    }
}
