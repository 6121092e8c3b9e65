//! SQLite backend (the embedded default): one file under the data directory, WAL, foreign keys on.
//!
//! One writer connection behind a mutex (SQLite allows one writer at a time anyway) and a small pool of
//! reader connections. Reads are point queries on indexes and run inline on the calling task (they take
//! microseconds, cheaper than a hop to a blocking thread: this is what keeps the public lookup fast); writes
//! may take longer (import batches) and run on tokio's blocking pool.

use async_trait::async_trait;
use certguard_access::Role;
use certguard_registry::{Certificate, Serial};
use certguard_store::*;
use certguard_types::{AuthorityCode, CertificateNumber, PersonName};
use chrono::{DateTime, NaiveDate, Utc};
use parking_lot::Mutex;
use rusqlite::{Connection, OpenFlags, OptionalExtension, Row, params};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

const MIGRATIONS: &[(i64, &str)] = &[
    (1, include_str!("../migrations/0001_init.sql")),
    (2, include_str!("../migrations/0002_status_index.sql")),
    (3, include_str!("../migrations/0003_audit_filters_leads.sql")),
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

fn ts(t: &DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
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

fn configure(conn: &Connection) -> rusqlite::Result<()> {
    configure_common(conn)?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
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

fn insert_audit(conn: &Connection, a: &AuditRecord) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO audit_log (at, actor, action, target, detail, client) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![ts(&a.at), a.actor, a.action, a.target, a.detail, a.client],
    )?;
    Ok(())
}

fn insert_event(conn: &Connection, cert_id: i64, e: &NewRecord) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO certificate_events (certificate_id, kind, body, actor, at) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![cert_id, e.event.code(), encode_event(&e.event), e.actor, ts(&e.at)],
    )?;
    Ok(())
}

const CERT_COLUMNS: &str = "body, version, created_at, updated_at";

fn stored_from_row(r: &Row<'_>) -> rusqlite::Result<(String, i64, String, String)> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
}

fn to_stored(raw: (String, i64, String, String)) -> StoreResult<StoredCertificate> {
    Ok(StoredCertificate {
        certificate: decode_certificate(&raw.0)?,
        version: raw.1,
        created_at: parse_ts(&raw.2)?,
        updated_at: parse_ts(&raw.3)?,
    })
}

const USER_COLUMNS: &str = "id, username, display_name, password_hash, role, authority, disabled, created_at";

fn user_from_row(r: &Row<'_>) -> rusqlite::Result<RawUser> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?))
}

type RawUser = (i64, String, String, String, String, Option<String>, bool, String);

fn to_user(raw: RawUser) -> StoreResult<UserRecord> {
    Ok(UserRecord {
        id: raw.0,
        username: raw.1,
        display_name: raw.2,
        password_hash: raw.3,
        role: Role::from_code(&raw.4).ok_or_else(|| StoreError::Corrupt(format!("role {}", raw.4)))?,
        authority: raw
            .5
            .map(|a| a.parse::<AuthorityCode>())
            .transpose()
            .map_err(|e| StoreError::Corrupt(format!("authority: {e}")))?,
        disabled: raw.6,
        created_at: parse_ts(&raw.7)?,
    })
}

fn unique_violation(e: &rusqlite::Error) -> bool {
    matches!(e, rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::ConstraintViolation)
}

#[async_trait]
impl Store for SqliteStore {
    fn backend(&self) -> &'static str {
        "sqlite"
    }

    async fn put_authority(&self, a: &Authority) -> StoreResult<()> {
        let a = a.clone();
        self.write(move |c| {
            c.execute(
                "INSERT INTO authorities (code, name_zh, name_en, region) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (code) DO UPDATE SET name_zh = excluded.name_zh, name_en = excluded.name_en, region = excluded.region",
                params![a.code.as_str(), a.name_zh, a.name_en, a.region],
            )
            .map_err(backend)?;
            Ok(())
        })
        .await
    }

    async fn authorities(&self) -> StoreResult<Vec<Authority>> {
        self.read(|c| {
            let mut st = c
                .prepare_cached("SELECT code, name_zh, name_en, region FROM authorities ORDER BY code")
                .map_err(backend)?;
            let rows =
                st.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get(1)?, r.get(2)?, r.get(3)?))).map_err(backend)?;
            rows.map(|r| {
                let (code, name_zh, name_en, region) = r.map_err(backend)?;
                Ok(Authority {
                    code: code.parse().map_err(|e| StoreError::Corrupt(format!("authority code: {e}")))?,
                    name_zh,
                    name_en,
                    region,
                })
            })
            .collect()
        })
    }

    async fn insert_certificates(&self, batch: &[NewRecord], audit: &AuditRecord) -> StoreResult<Vec<InsertOutcome>> {
        let batch = batch.to_vec();
        let audit = audit.clone();
        self.write(move |c| {
            let tx = c.transaction().map_err(backend)?;
            let mut outcomes = Vec::with_capacity(batch.len());
            {
                let mut same_scope = tx
                    .prepare_cached("SELECT body FROM certificates WHERE number = ?1 AND code1 = ?2 AND code2 = ?3")
                    .map_err(backend)?;
                let mut insert = tx
                    .prepare_cached(
                        "INSERT INTO certificates (serial, number, holder_name, code1, code2, kind, authority, lifecycle,
                         valid_from, valid_until, review_due, version, created_at, updated_at, body, status_idx)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, 1, ?12, ?12, ?13, ?14)",
                    )
                    .map_err(backend)?;
                for rec in &batch {
                    let cert = &rec.certificate;
                    let (code1, code2) = cert.scope.codes();
                    let existing = same_scope
                        .query_map(params![cert.number.as_str(), code1, code2], |r| r.get::<_, String>(0))
                        .map_err(backend)?
                        .map(|b| decode_certificate(&b.map_err(backend)?))
                        .collect::<StoreResult<Vec<Certificate>>>()?;
                    let outcome = classify_insert(&existing, cert);
                    if outcome == InsertOutcome::Inserted {
                        insert
                            .execute(params![
                                cert.serial.to_hex(),
                                cert.number.as_str(),
                                cert.holder.name.as_str(),
                                code1,
                                code2,
                                cert.kind().code(),
                                cert.authority.as_str(),
                                cert.lifecycle.code(),
                                date(&cert.valid_from),
                                date(&cert.valid_until),
                                cert.review_due.as_ref().map(date),
                                ts(&rec.at),
                                encode_certificate(cert),
                                cert.credential.as_ref().map(|c| c.status_idx as i64),
                            ])
                            .map_err(|e| {
                                if unique_violation(&e) {
                                    StoreError::Conflict(format!("certificate {} clashes with a stored one: {e}", cert.serial))
                                } else {
                                    backend(e)
                                }
                            })?;
                        insert_event(&tx, tx.last_insert_rowid(), rec).map_err(backend)?;
                    }
                    outcomes.push(outcome);
                }
            }
            insert_audit(&tx, &audit).map_err(backend)?;
            tx.commit().map_err(backend)?;
            Ok(outcomes)
        })
        .await
    }

    async fn update_certificate(
        &self,
        cert: &Certificate,
        expected_version: i64,
        event: &NewRecord,
        audit: &AuditRecord,
    ) -> StoreResult<i64> {
        let (cert, event, audit) = (cert.clone(), event.clone(), audit.clone());
        self.write(move |c| {
            let tx = c.transaction().map_err(backend)?;
            let row: Option<(i64, i64)> = tx
                .query_row("SELECT id, version FROM certificates WHERE serial = ?1", [cert.serial.to_hex()], |r| {
                    Ok((r.get(0)?, r.get(1)?))
                })
                .optional()
                .map_err(backend)?;
            let (id, version) = row.ok_or_else(|| StoreError::NotFound(format!("certificate {}", cert.serial)))?;
            if version != expected_version {
                return Err(StoreError::Conflict(format!(
                    "certificate {} changed meanwhile (version {version}, expected {expected_version})",
                    cert.serial
                )));
            }
            let new_version = version + 1;
            tx.execute(
                "UPDATE certificates SET holder_name = ?2, lifecycle = ?3, valid_from = ?4, valid_until = ?5,
                 review_due = ?6, version = ?7, updated_at = ?8, body = ?9, status_idx = ?10 WHERE id = ?1",
                params![
                    id,
                    cert.holder.name.as_str(),
                    cert.lifecycle.code(),
                    date(&cert.valid_from),
                    date(&cert.valid_until),
                    cert.review_due.as_ref().map(date),
                    new_version,
                    ts(&event.at),
                    encode_certificate(&cert),
                    cert.credential.as_ref().map(|c| c.status_idx as i64),
                ],
            )
            .map_err(|e| if unique_violation(&e) { StoreError::Conflict(e.to_string()) } else { backend(e) })?;
            insert_event(&tx, id, &event).map_err(backend)?;
            insert_audit(&tx, &audit).map_err(backend)?;
            tx.commit().map_err(backend)?;
            Ok(new_version)
        })
        .await
    }

    async fn certificate(&self, serial: &Serial) -> StoreResult<Option<StoredCertificate>> {
        self.read(|c| {
            let raw = c
                .prepare_cached(&format!("SELECT {CERT_COLUMNS} FROM certificates WHERE serial = ?1"))
                .map_err(backend)?
                .query_row([serial.to_hex()], stored_from_row)
                .optional()
                .map_err(backend)?;
            raw.map(to_stored).transpose()
        })
    }

    async fn lookup(&self, number: &CertificateNumber, name: &PersonName) -> StoreResult<Vec<Certificate>> {
        self.read(|c| {
            let mut st = c
                .prepare_cached("SELECT body FROM certificates WHERE number = ?1 AND holder_name = ?2 ORDER BY id")
                .map_err(backend)?;
            let rows = st.query_map([number.as_str(), name.as_str()], |r| r.get::<_, String>(0)).map_err(backend)?;
            rows.map(|b| decode_certificate(&b.map_err(backend)?)).collect()
        })
    }

    async fn search(&self, q: &CertificateQuery) -> StoreResult<(Vec<StoredCertificate>, u64)> {
        self.read(|c| {
            let mut conds: Vec<String> = Vec::new();
            let mut args: Vec<String> = Vec::new();
            if let Some(a) = &q.authority {
                args.push(a.as_str().to_string());
                conds.push(format!("authority = ?{}", args.len()));
            }
            if let Some(t) = q.text.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
                if let Ok(n) = t.parse::<CertificateNumber>()
                    && n.as_str().len() >= 6
                    && n.as_str().chars().skip(1).all(|ch| ch.is_ascii_digit() || ch == 'X')
                {
                    args.push(n.as_str().to_string());
                    conds.push(format!("number = ?{}", args.len()));
                } else {
                    args.push(like_prefix(t));
                    conds.push(format!("holder_name LIKE ?{} ESCAPE '\\'", args.len()));
                }
            }
            if let Some(status) = q.status {
                let today = q.today.unwrap_or_else(|| Utc::now().date_naive());
                let cond = status_condition(status, today, |d| {
                    args.push(date(&d));
                    format!("?{}", args.len())
                });
                conds.push(format!("({cond})"));
            }
            let where_clause = if conds.is_empty() { String::new() } else { format!("WHERE {}", conds.join(" AND ")) };
            let total: i64 = c
                .query_row(
                    &format!("SELECT COUNT(*) FROM certificates {where_clause}"),
                    rusqlite::params_from_iter(args.iter()),
                    |r| r.get(0),
                )
                .map_err(backend)?;
            let limit = q.limit.clamp(1, 500);
            let sql = format!(
                "SELECT {CERT_COLUMNS} FROM certificates {where_clause} ORDER BY id DESC LIMIT {limit} OFFSET {}",
                q.offset
            );
            let mut st = c.prepare(&sql).map_err(backend)?;
            let rows = st.query_map(rusqlite::params_from_iter(args.iter()), stored_from_row).map_err(backend)?;
            let items = rows.map(|r| to_stored(r.map_err(backend)?)).collect::<StoreResult<Vec<_>>>()?;
            Ok((items, total as u64))
        })
    }

    async fn certificates_after(
        &self,
        cursor: i64,
        authority: Option<&AuthorityCode>,
        limit: u32,
    ) -> StoreResult<Vec<(i64, Certificate)>> {
        self.read(|c| {
            // An empty authority code matches every row: one statement serves both cases.
            let auth = authority.map(|a| a.as_str()).unwrap_or("");
            let mut st = c
                .prepare_cached("SELECT id, body FROM certificates WHERE id > ?1 AND (?3 = '' OR authority = ?3) ORDER BY id LIMIT ?2")
                .map_err(backend)?;
            let rows = st
                .query_map(params![cursor, limit, auth], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))
                .map_err(backend)?;
            rows.map(|r| {
                let (id, body) = r.map_err(backend)?;
                Ok((id, decode_certificate(&body)?))
            })
            .collect()
        })
    }

    async fn history(&self, serial: &Serial) -> StoreResult<Vec<StoredEvent>> {
        self.read(|c| {
            let mut st = c
                .prepare_cached(
                    "SELECT e.seq, e.body, e.actor, e.at FROM certificate_events e
                     JOIN certificates c ON c.id = e.certificate_id WHERE c.serial = ?1 ORDER BY e.seq",
                )
                .map_err(backend)?;
            let rows = st
                .query_map([serial.to_hex()], |r| {
                    Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, String>(3)?))
                })
                .map_err(backend)?;
            rows.map(|r| {
                let (seq, body, actor, at) = r.map_err(backend)?;
                Ok(StoredEvent { seq, serial: *serial, event: decode_event(&body)?, actor, at: parse_ts(&at)? })
            })
            .collect()
        })
    }

    async fn status_index_taken(&self, authority: &AuthorityCode, idx: u64) -> StoreResult<bool> {
        self.read(|c| {
            c.prepare_cached("SELECT 1 FROM certificates WHERE authority = ?1 AND status_idx = ?2")
                .map_err(backend)?
                .exists(params![authority.as_str(), idx as i64])
                .map_err(backend)
        })
    }

    async fn status_entries(&self, authority: &AuthorityCode) -> StoreResult<Vec<(u64, String)>> {
        self.read(|c| {
            let mut st = c
                .prepare_cached(
                    "SELECT status_idx, lifecycle FROM certificates WHERE authority = ?1 AND status_idx IS NOT NULL",
                )
                .map_err(backend)?;
            let rows = st
                .query_map([authority.as_str()], |r| Ok((r.get::<_, i64>(0)? as u64, r.get::<_, String>(1)?)))
                .map_err(backend)?;
            rows.map(|r| r.map_err(backend)).collect()
        })
    }

    async fn counts(&self) -> StoreResult<RegistryCounts> {
        self.read(|c| {
            let mut st = c
                .prepare_cached("SELECT lifecycle, COUNT(*) FROM certificates GROUP BY lifecycle ORDER BY lifecycle")
                .map_err(backend)?;
            let by = st
                .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)? as u64)))
                .map_err(backend)?
                .collect::<rusqlite::Result<Vec<_>>>()
                .map_err(backend)?;
            Ok(RegistryCounts { certificates: by.iter().map(|(_, n)| n).sum(), by_lifecycle: by })
        })
    }

    async fn create_user(&self, u: &NewUser, audit: &AuditRecord) -> StoreResult<i64> {
        let (u, audit) = (u.clone(), audit.clone());
        self.write(move |c| {
            let tx = c.transaction().map_err(backend)?;
            tx.execute(
                "INSERT INTO users (username, display_name, password_hash, role, authority, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![u.username, u.display_name, u.password_hash, u.role.code(), u.authority.as_ref().map(|a| a.as_str()), ts(&audit.at)],
            )
            .map_err(|e| {
                if unique_violation(&e) {
                    StoreError::Conflict(format!("user {} exists, or authority unknown", u.username))
                } else {
                    backend(e)
                }
            })?;
            let id = tx.last_insert_rowid();
            insert_audit(&tx, &audit).map_err(backend)?;
            tx.commit().map_err(backend)?;
            Ok(id)
        })
        .await
    }

    async fn user_by_name(&self, username: &str) -> StoreResult<Option<UserRecord>> {
        self.read(|c| {
            c.prepare_cached(&format!("SELECT {USER_COLUMNS} FROM users WHERE username = ?1"))
                .map_err(backend)?
                .query_row([username], user_from_row)
                .optional()
                .map_err(backend)?
                .map(to_user)
                .transpose()
        })
    }

    async fn user_by_id(&self, id: i64) -> StoreResult<Option<UserRecord>> {
        self.read(|c| {
            c.prepare_cached(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = ?1"))
                .map_err(backend)?
                .query_row([id], user_from_row)
                .optional()
                .map_err(backend)?
                .map(to_user)
                .transpose()
        })
    }

    async fn users(&self) -> StoreResult<Vec<UserRecord>> {
        self.read(|c| {
            let mut st = c.prepare_cached(&format!("SELECT {USER_COLUMNS} FROM users ORDER BY id")).map_err(backend)?;
            let rows = st.query_map([], user_from_row).map_err(backend)?;
            rows.map(|r| to_user(r.map_err(backend)?)).collect()
        })
    }

    async fn set_password(&self, user_id: i64, hash: &str, audit: &AuditRecord) -> StoreResult<()> {
        let (hash, audit) = (hash.to_string(), audit.clone());
        self.write(move |c| {
            let tx = c.transaction().map_err(backend)?;
            let n = tx
                .execute("UPDATE users SET password_hash = ?2 WHERE id = ?1", params![user_id, hash])
                .map_err(backend)?;
            if n == 0 {
                return Err(StoreError::NotFound(format!("user {user_id}")));
            }
            tx.execute("DELETE FROM sessions WHERE user_id = ?1", [user_id]).map_err(backend)?;
            insert_audit(&tx, &audit).map_err(backend)?;
            tx.commit().map_err(backend)
        })
        .await
    }

    async fn create_session(&self, s: &SessionRecord) -> StoreResult<()> {
        let s = s.clone();
        self.write(move |c| {
            c.execute(
                "INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES (?1, ?2, ?3, ?4)",
                params![s.token_hash, s.user_id, ts(&s.created_at), ts(&s.expires_at)],
            )
            .map_err(backend)?;
            // Expired sessions are swept whenever a new one starts.
            c.execute("DELETE FROM sessions WHERE expires_at < ?1", [ts(&s.created_at)]).map_err(backend)?;
            Ok(())
        })
        .await
    }

    async fn session(&self, token_hash: &str, now: DateTime<Utc>) -> StoreResult<Option<(SessionRecord, UserRecord)>> {
        self.read(|c| {
            let row = c
                .prepare_cached("SELECT token_hash, user_id, created_at, expires_at FROM sessions WHERE token_hash = ?1 AND expires_at > ?2")
                .map_err(backend)?
                .query_row([token_hash, &ts(&now)], |r| {
                    Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?, r.get::<_, String>(2)?, r.get::<_, String>(3)?))
                })
                .optional()
                .map_err(backend)?;
            let Some((token_hash, user_id, created, expires)) = row else { return Ok(None) };
            let user = c
                .prepare_cached(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = ?1 AND disabled = 0"))
                .map_err(backend)?
                .query_row([user_id], user_from_row)
                .optional()
                .map_err(backend)?;
            let Some(user) = user else { return Ok(None) };
            Ok(Some((
                SessionRecord { token_hash, user_id, created_at: parse_ts(&created)?, expires_at: parse_ts(&expires)? },
                to_user(user)?,
            )))
        })
    }

    async fn delete_session(&self, token_hash: &str) -> StoreResult<()> {
        let t = token_hash.to_string();
        self.write(move |c| {
            c.execute("DELETE FROM sessions WHERE token_hash = ?1", [t]).map_err(backend)?;
            Ok(())
        })
        .await
    }

    async fn create_api_token(
        &self,
        user_id: i64,
        name: &str,
        token_hash: &str,
        audit: &AuditRecord,
    ) -> StoreResult<i64> {
        let (name, hash, audit) = (name.to_string(), token_hash.to_string(), audit.clone());
        self.write(move |c| {
            let tx = c.transaction().map_err(backend)?;
            tx.execute(
                "INSERT INTO api_tokens (name, user_id, token_hash, created_at) VALUES (?1, ?2, ?3, ?4)",
                params![name, user_id, hash, ts(&audit.at)],
            )
            .map_err(backend)?;
            let id = tx.last_insert_rowid();
            insert_audit(&tx, &audit).map_err(backend)?;
            tx.commit().map_err(backend)?;
            Ok(id)
        })
        .await
    }

    async fn api_token(&self, token_hash: &str) -> StoreResult<Option<(ApiTokenRecord, UserRecord)>> {
        self.read(|c| {
            let row = c
                .prepare_cached(
                    "SELECT id, name, user_id, token_hash, created_at FROM api_tokens WHERE token_hash = ?1",
                )
                .map_err(backend)?
                .query_row([token_hash], |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, i64>(2)?,
                        r.get::<_, String>(3)?,
                        r.get::<_, String>(4)?,
                    ))
                })
                .optional()
                .map_err(backend)?;
            let Some((id, name, user_id, token_hash, created)) = row else { return Ok(None) };
            let user = c
                .prepare_cached(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = ?1 AND disabled = 0"))
                .map_err(backend)?
                .query_row([user_id], user_from_row)
                .optional()
                .map_err(backend)?;
            let Some(user) = user else { return Ok(None) };
            Ok(Some((
                ApiTokenRecord { id, name, user_id, token_hash, created_at: parse_ts(&created)? },
                to_user(user)?,
            )))
        })
    }

    async fn append_audit(&self, a: &AuditRecord) -> StoreResult<()> {
        let a = a.clone();
        self.write(move |c| insert_audit(c, &a).map_err(backend)).await
    }

    async fn audit_log(&self, q: &AuditQuery) -> StoreResult<Vec<AuditRecord>> {
        let prefix = q.action_prefix.as_deref().map(like_prefix);
        self.read(|c| {
            let mut st = c
                .prepare_cached(
                    "SELECT at, actor, action, target, detail, client FROM audit_log \
                     WHERE (?3 IS NULL OR actor = ?3) AND (?4 IS NULL OR action LIKE ?4 ESCAPE '\\') \
                     ORDER BY id DESC LIMIT ?1 OFFSET ?2",
                )
                .map_err(backend)?;
            let rows = st
                .query_map(params![q.limit, q.offset, q.actor, prefix], |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, String>(3)?,
                        r.get::<_, String>(4)?,
                        r.get::<_, Option<String>>(5)?,
                    ))
                })
                .map_err(backend)?;
            rows.map(|r| {
                let (at, actor, action, target, detail, client) = r.map_err(backend)?;
                Ok(AuditRecord { at: parse_ts(&at)?, actor, action, target, detail, client })
            })
            .collect()
        })
    }

    async fn record_lead_sighting(&self, l: &LeadSighting) -> StoreResult<()> {
        let l = l.clone();
        self.write(move |c| {
            c.prepare_cached(
                "INSERT INTO lead_candidates (domain, url, verdict, score, first_seen, last_seen, sightings) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?5, 1) \
                 ON CONFLICT (domain) DO UPDATE SET url = excluded.url, verdict = excluded.verdict, \
                 score = excluded.score, last_seen = excluded.last_seen, sightings = sightings + 1",
            )
            .and_then(|mut st| st.execute(params![l.domain, l.url, l.verdict, l.score, ts(&l.at)]))
            .map(|_| ())
            .map_err(backend)
        })
        .await
    }

    async fn lead_candidates(&self, limit: u32) -> StoreResult<Vec<LeadCandidate>> {
        self.read(|c| {
            let mut st = c
                .prepare_cached(
                    "SELECT domain, url, verdict, score, first_seen, last_seen, sightings FROM lead_candidates \
                     ORDER BY last_seen DESC LIMIT ?1",
                )
                .map_err(backend)?;
            let rows = st
                .query_map(params![limit], |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, i32>(3)?,
                        r.get::<_, String>(4)?,
                        r.get::<_, String>(5)?,
                        r.get::<_, i64>(6)?,
                    ))
                })
                .map_err(backend)?;
            rows.map(|r| {
                let (domain, url, verdict, score, first, last, sightings) = r.map_err(backend)?;
                Ok(LeadCandidate {
                    domain,
                    url,
                    verdict,
                    score,
                    first_seen: parse_ts(&first)?,
                    last_seen: parse_ts(&last)?,
                    sightings,
                })
            })
            .collect()
        })
    }
}
