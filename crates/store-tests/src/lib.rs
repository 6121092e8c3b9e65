//! Throwaway databases for tests: a fresh SQLite file, or a fresh PostgreSQL database created on the server
//! named by `CERTGUARD_TEST_PG_URL` and dropped when the guard goes out of scope.
//!
//! In CI (`CI=true`) a missing `CERTGUARD_TEST_PG_URL` is an error, not a silent skip.

use certguard_store::Store;
use std::sync::Arc;

pub enum TestDb {
    Sqlite(tempfile::TempDir),
    Postgres { admin_url: String, name: String },
}

/// The PostgreSQL URL for tests, if configured; panics in CI when it is missing.
pub fn pg_url() -> Option<String> {
    match std::env::var("CERTGUARD_TEST_PG_URL") {
        Ok(u) if !u.is_empty() => Some(u),
        _ if std::env::var("CI").is_ok_and(|v| v == "true") => {
            panic!("CI=true but CERTGUARD_TEST_PG_URL is not set: the PostgreSQL backend would go untested")
        }
        _ => None,
    }
}

pub async fn sqlite() -> (Arc<dyn Store>, TestDb) {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = certguard_store_sqlite::SqliteStore::open(&dir.path().join("certguard.db")).expect("open sqlite");
    (Arc::new(store), TestDb::Sqlite(dir))
}

pub async fn postgres(admin_url: &str) -> (Arc<dyn Store>, TestDb) {
    let name = format!("certguard_test_{:016x}", rand::random::<u64>());
    let (client, conn) =
        tokio_postgres::connect(admin_url, tokio_postgres::NoTls).await.expect("connect to PostgreSQL");
    tokio::spawn(conn);
    client.batch_execute(&format!("CREATE DATABASE {name}")).await.expect("create test database");
    let url = with_database(admin_url, &name);
    let store = certguard_store_postgres::PgStore::connect(&url, 8).await.expect("open postgres");
    (Arc::new(store), TestDb::Postgres { admin_url: admin_url.to_string(), name })
}

/// Replaces the database name of a postgres:// URL.
pub fn with_database(url: &str, db: &str) -> String {
    let (base, query) = url.split_once('?').map(|(b, q)| (b, Some(q))).unwrap_or((url, None));
    let scheme_end = base.find("://").map(|i| i + 3).unwrap_or(0);
    let base = match base[scheme_end..].find('/') {
        Some(i) => &base[..scheme_end + i],
        None => base,
    };
    match query {
        Some(q) => format!("{base}/{db}?{q}"),
        None => format!("{base}/{db}"),
    }
}

impl TestDb {
    /// Drops a PostgreSQL test database (SQLite's directory goes with the guard).
    pub async fn cleanup(self) {
        if let TestDb::Postgres { admin_url, name } = self
            && let Ok((client, conn)) = tokio_postgres::connect(&admin_url, tokio_postgres::NoTls).await
        {
            tokio::spawn(conn);
            let _ = client.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await;
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn database_name_is_replaced() {
        assert_eq!(super::with_database("postgres://u@h:5432/test", "x"), "postgres://u@h:5432/x");
        assert_eq!(super::with_database("postgres://u@h:5432", "x"), "postgres://u@h:5432/x");
        assert_eq!(super::with_database("postgres://h/test?sslmode=disable", "x"), "postgres://h/x?sslmode=disable");
    }
}
