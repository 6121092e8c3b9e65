//! One storage story per capability, on every backend. Each test gets its own throwaway database; the
//! capability stories run in order on it (the audit story reads what the others wrote).

mod accounts;
mod audit;
mod cases;
mod certificates;
mod employers;
mod exam;
mod fixtures;
mod leads;
mod log;

use certguard_store::*;
use certguard_store_tests::{pg_url, postgres, sqlite};
use fixtures::{audit, cert, d, record};
use std::sync::Arc;

async fn story(store: Arc<dyn Store>) {
    certificates::story(&*store).await;
    accounts::story(&*store).await;
    audit::story(&*store).await;
    leads::story(&*store).await;
    leads::jobs(&*store).await;
    exam::story(&*store).await;
    cases::story(&*store).await;
    employers::story(&*store).await;
    log::story(&*store).await;
}

#[tokio::test]
async fn story_on_sqlite() {
    let (store, db) = sqlite().await;
    story(store).await;
    db.cleanup().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn story_on_postgres() {
    let Some(url) = pg_url() else {
        eprintln!("CERTGUARD_TEST_PG_URL not set: PostgreSQL story not run (CI sets it)");
        return;
    };
    let (store, db) = postgres(&url).await;
    story(store).await;
    db.cleanup().await;
}

#[tokio::test]
async fn sqlite_reopens_with_data_and_migrations_applied_once() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.db");
    {
        let s = certguard_store_sqlite::SqliteStore::open(&path).unwrap();
        let c = cert(1, "440524188001010014", "张三", ("2", "2.1"), d(2022, 1, 10));
        s.insert_certificates(&[record(&c)], &audit("issue")).await.unwrap();
    }
    let s = certguard_store_sqlite::SqliteStore::open(&path).unwrap();
    assert_eq!(s.counts().await.unwrap().certificates, 1);
}
