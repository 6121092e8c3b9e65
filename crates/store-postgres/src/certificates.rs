//! The registry's certificates, history, authorities and status-list entries in PostgreSQL.

use crate::{PgStore, insert_audit, pg};
use async_trait::async_trait;
use certguard_registry::{Certificate, Serial};
use certguard_store::{
    AuditRecord, Authority, CertificateQuery, CertificateStore, InsertOutcome, NewRecord, PendingLogEvent,
    RegistryCounts, StoreError, StoreResult, StoredCertificate, StoredEvent, classify_insert, decode_certificate,
    decode_event, encode_certificate, encode_event, like_prefix, status_condition,
};
use certguard_types::{AuthorityCode, CertificateNumber, PersonName};
use chrono::Utc;
use tokio_postgres::Row;
use tokio_postgres::types::ToSql;

/// Writes a change's history event and its pending log event (same transaction as the change).
async fn insert_event(
    c: &impl deadpool_postgres::GenericClient,
    cert_id: i64,
    cert: &Certificate,
    e: &NewRecord,
) -> StoreResult<()> {
    c.execute(
        "INSERT INTO certificate_events (certificate_id, kind, body, actor, at) VALUES ($1, $2, $3, $4, $5)",
        &[&cert_id, &e.event.code(), &encode_event(&e.event), &e.actor, &e.at],
    )
    .await
    .map_err(pg)?;
    crate::log::insert_pending(c, &PendingLogEvent::for_change(cert, e)).await
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

#[async_trait]
impl CertificateStore for PgStore {
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
                insert_event(&tx, row.get(0), cert, rec).await?;
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
        insert_event(&tx, id, cert, event).await?;
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
        let numbers: Vec<&str> = numbers.iter().map(|n| n.as_str()).collect();
        let c = self.client().await?;
        let st =
            c.prepare_cached("SELECT body FROM certificates WHERE number = ANY($1) ORDER BY id").await.map_err(pg)?;
        let rows = c.query(&st, &[&numbers]).await.map_err(pg)?;
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
}
