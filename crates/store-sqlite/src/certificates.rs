//! The registry's certificates, history, authorities and status-list entries in SQLite.

use crate::{SqliteStore, backend, date, insert_audit, parse_ts, ts, unique_violation};
use async_trait::async_trait;
use certguard_registry::{Certificate, Serial};
use certguard_store::{
    AuditRecord, Authority, CertificateQuery, CertificateStore, InsertOutcome, NewRecord, PendingLogEvent,
    RegistryCounts, StoreError, StoreResult, StoredCertificate, StoredEvent, classify_insert, decode_certificate,
    decode_event, encode_certificate, encode_event, like_prefix, status_condition,
};
use certguard_types::{AuthorityCode, CertificateNumber, PersonName};
use chrono::Utc;
use rusqlite::{Connection, OptionalExtension, Row, params};

/// Writes a change's history event and its pending log event (same transaction as the change).
fn insert_event(conn: &Connection, cert_id: i64, cert: &Certificate, e: &NewRecord) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT INTO certificate_events (certificate_id, kind, body, actor, at) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![cert_id, e.event.code(), encode_event(&e.event), e.actor, ts(&e.at)])?;
    crate::log::insert_pending(conn, &PendingLogEvent::for_change(cert, e))
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

#[async_trait]
impl CertificateStore for SqliteStore {
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
                        insert_event(&tx, tx.last_insert_rowid(), cert, rec).map_err(backend)?;
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
            insert_event(&tx, id, &cert, &event).map_err(backend)?;
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

    async fn certificates_by_numbers(&self, numbers: &[CertificateNumber]) -> StoreResult<Vec<Certificate>> {
        if numbers.len() > certguard_store::MAX_NUMBERS_PER_LOOKUP {
            return Err(StoreError::Backend(format!(
                "at most {} numbers per lookup",
                certguard_store::MAX_NUMBERS_PER_LOOKUP
            )));
        }
        if numbers.is_empty() {
            return Ok(Vec::new());
        }
        let numbers: Vec<String> = numbers.iter().map(|n| n.as_str().to_string()).collect();
        self.read(move |c| {
            // One statement per call, its placeholders bound to the numbers (never spliced into the SQL).
            let marks = vec!["?"; numbers.len()].join(",");
            let mut st = c
                .prepare(&format!("SELECT body FROM certificates WHERE number IN ({marks}) ORDER BY id"))
                .map_err(backend)?;
            let rows =
                st.query_map(rusqlite::params_from_iter(numbers.iter()), |r| r.get::<_, String>(0)).map_err(backend)?;
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
}
