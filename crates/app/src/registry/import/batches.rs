//! Storing an import: rows checked against the grants and rules, each batch signed on every core and stored
//! in one transaction while the next batch is parsed and signed, and each row's outcome accounted for.

use super::read::{CountingReader, produce_rows};
use super::rows::{Column, Layout, mask_value, parse_row};
use super::{ImportError, ImportSummary, Progress, RowError};
use crate::registry::{Registry, new_serial};
use certguard_access::Principal;
use certguard_registry::{Event, build_certificate};
use certguard_store::{AuditRecord, InsertOutcome, NewRecord, classify_insert};
use certguard_types::AuthorityCode;
use std::collections::HashMap;
use std::io::{Read, Seek};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// Imports a CSV or XLSX file. Each rejected row is passed to `on_error`; `on_progress` after each batch.
pub async fn import<R: Read + Seek + Send + 'static>(
    registry: &Registry,
    principal: &Principal,
    input: R,
    source_name: &str,
    client: Option<&str>,
    mut on_error: impl FnMut(&RowError),
    mut on_progress: impl FnMut(Progress),
) -> Result<ImportSummary, ImportError> {
    let bytes = Arc::new(AtomicU64::new(0));
    let counted = CountingReader { inner: input, count: bytes.clone() };
    let (tx, mut rx) = tokio::sync::mpsc::channel(4);
    let err_tx = tx.clone();
    let producer = std::thread::spawn(move || {
        if let Err(e) = produce_rows(counted, tx) {
            let _ = err_tx.blocking_send(Err(e));
        }
    });

    let mut summary = ImportSummary::default();
    let mut layout: Option<Layout> = None;
    let mut grants: HashMap<AuthorityCode, bool> = HashMap::new();
    let today = registry.clock().today();
    // Imported certificates are signed in the same batch as they are stored, so they carry their QR at once.
    // Status-list indices taken per authority are loaded once and kept in memory for the import.
    let creds = registry.credentials().cloned();
    let mut taken: HashMap<AuthorityCode, std::collections::HashSet<u64>> = HashMap::new();
    let mut storing: Option<PendingStore> = None;
    let result = async {
        while let Some(batch) = rx.recv().await {
            let batch = batch?;
            let mut records = Vec::with_capacity(batch.len());
            let mut record_rows = Vec::with_capacity(batch.len());
            let mut to_sign = Vec::new();
            for (row_no, cells) in batch {
                if cells.iter().all(|c| c.trim().is_empty()) {
                    continue;
                }
                let Some(layout) = layout.as_ref() else {
                    layout = Some(Layout::from_header(&cells)?);
                    continue;
                };
                summary.rows += 1;
                if let Some(msg) = cells.first().and_then(|c| c.strip_prefix('\u{0}')) {
                    summary.rejected += 1;
                    on_error(&RowError {
                        row: row_no,
                        column: String::new(),
                        value: String::new(),
                        reason: format!("unreadable line: {msg}"),
                    });
                    continue;
                }
                let new = match parse_row(registry, layout, row_no, &cells) {
                    Ok(n) => n,
                    Err(errors) => {
                        summary.rejected += 1;
                        errors.iter().for_each(&mut on_error);
                        continue;
                    }
                };
                let allowed = *grants
                    .entry(new.authority.clone())
                    .or_insert_with(|| principal.issuer_for(&new.authority).is_ok());
                if !allowed {
                    summary.rejected += 1;
                    on_error(&RowError {
                        row: row_no,
                        column: Column::Authority.zh().into(),
                        value: new.authority.to_string(),
                        reason: "you may not import certificates of this authority".into(),
                    });
                    continue;
                }
                match build_certificate(new, registry.catalogue(), new_serial(registry.clock().now()), today) {
                    Ok(cert) => {
                        // A row already stored as it is needs no new signature (re-imports stay cheap); the
                        // store decides again inside the batch transaction, this only avoids wasted signing.
                        let already_stored = creds.is_some()
                            && matches!(
                                classify_insert(
                                    &registry
                                        .store()
                                        .lookup(&cert.number, &cert.holder.name)
                                        .await
                                        .map_err(|e| ImportError::Store(e.to_string()))?
                                        .into_iter()
                                        .filter(|c| c.scope == cert.scope)
                                        .collect::<Vec<_>>(),
                                    &cert,
                                ),
                                InsertOutcome::Unchanged { .. }
                            );
                        if creds.is_some() && !already_stored {
                            if !taken.contains_key(&cert.authority) {
                                let entries = registry
                                    .store()
                                    .status_entries(&cert.authority)
                                    .await
                                    .map_err(|e| ImportError::Store(e.to_string()))?;
                                taken.insert(cert.authority.clone(), entries.into_iter().map(|(i, _)| i).collect());
                            }
                            let used = taken.get_mut(&cert.authority).expect("loaded above");
                            let idx = certguard_credential::status_list::allocate_index(
                                &mut rand::rng(),
                                crate::credentials::STATUS_LIST_LEN,
                                |i| used.contains(&i),
                                1000,
                            )
                            .ok_or_else(|| {
                                ImportError::Signing(format!("the status list of {} is full", cert.authority))
                            })?;
                            used.insert(idx);
                            let name = registry.authority_name(&cert.authority).0;
                            to_sign.push(SignJob { record: records.len(), status_idx: idx, authority_name: name });
                        }
                        records.push(NewRecord {
                            certificate: cert,
                            event: Event::Imported,
                            actor: principal.username.clone(),
                            at: registry.clock().now(),
                        });
                        record_rows.push(row_no);
                    }
                    Err(v) => {
                        summary.rejected += 1;
                        let col = Column::of_field(v.field);
                        on_error(&RowError {
                            row: row_no,
                            column: col.zh().into(),
                            value: mask_value(col, &cells.get(layout.index[&col]).cloned().unwrap_or_default()),
                            reason: v.reason,
                        });
                    }
                }
            }
            if let Some(c) = creds.as_ref().filter(|_| !to_sign.is_empty()) {
                records = sign_batch(c.clone(), records, to_sign, registry.clock().now().timestamp()).await?;
            }
            // The previous batch has been storing while this one was parsed and signed: collect it, then hand
            // this one over.
            if let Some(pending) = storing.take() {
                collect_outcomes(pending, &mut summary, &mut on_error).await?;
            }
            if !records.is_empty() {
                let audit = AuditRecord {
                    at: registry.clock().now(),
                    actor: principal.username.clone(),
                    action: "certificate.import".into(),
                    target: source_name.chars().take(200).collect(),
                    detail: format!("rows {}-{}", record_rows[0], record_rows[record_rows.len() - 1]),
                    client: client.map(str::to_string),
                };
                let store = registry.store().clone();
                let task = tokio::spawn(async move { store.insert_certificates(&records, &audit).await });
                storing = Some((task, record_rows));
            }
            on_progress(Progress { rows: summary.rows, bytes: bytes.load(Ordering::Relaxed) });
        }
        if let Some(pending) = storing.take() {
            collect_outcomes(pending, &mut summary, &mut on_error).await?;
            on_progress(Progress { rows: summary.rows, bytes: bytes.load(Ordering::Relaxed) });
        }
        if layout.is_none() {
            return Err(ImportError::NoHeader);
        }
        // Acknowledged once every imported certificate is in the transparency log.
        registry.logged().await.map_err(|e| ImportError::Store(e.to_string()))?;
        Ok(summary)
    }
    .await;
    // After an error, a batch may still be storing: let it finish (it is whole or nothing) before answering.
    if let Some((task, _)) = storing.take() {
        let _ = task.await;
    }
    drop(rx);
    let _ = producer.join();
    result
}

/// A certificate of the batch to sign, with what signing needs besides it.
struct SignJob {
    record: usize,
    status_idx: u64,
    authority_name: String,
}

/// A batch being stored in the background, and the file rows of its records.
type PendingStore = (tokio::task::JoinHandle<Result<Vec<InsertOutcome>, certguard_store::StoreError>>, Vec<u64>);

/// Signs a batch's certificates on every core (signing is most of an import's work), on tokio's blocking pool
/// (its threads are reused from batch to batch).
async fn sign_batch(
    creds: Arc<crate::credentials::Credentials>,
    records: Vec<NewRecord>,
    mut jobs: Vec<SignJob>,
    now: i64,
) -> Result<Vec<NewRecord>, ImportError> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let per_thread = jobs.len().div_ceil(threads).max(1);
    let records = Arc::new(records);
    let mut parts = Vec::with_capacity(threads);
    while !jobs.is_empty() {
        let part: Vec<SignJob> = jobs.drain(..per_thread.min(jobs.len())).collect();
        let (creds, records) = (creds.clone(), records.clone());
        parts.push(tokio::task::spawn_blocking(move || {
            part.into_iter()
                .map(|job| {
                    creds
                        .sign_with_index(&records[job.record].certificate, &job.authority_name, job.status_idx, now)
                        .map(|c| (job.record, c))
                        .map_err(|e| ImportError::Signing(e.to_string()))
                })
                .collect::<Result<Vec<_>, _>>()
        }));
    }
    let mut signed = Vec::with_capacity(parts.len());
    for part in parts {
        signed.push(part.await.map_err(|e| ImportError::Signing(e.to_string()))??);
    }
    let mut records =
        Arc::try_unwrap(records).map_err(|_| ImportError::Signing("a signer still holds the batch".into()))?;
    for (i, credential) in signed.into_iter().flatten() {
        records[i].certificate.credential = Some(credential);
    }
    Ok(records)
}

/// Waits for a stored batch and accounts for each of its rows.
async fn collect_outcomes(
    (task, rows): PendingStore,
    summary: &mut ImportSummary,
    on_error: &mut impl FnMut(&RowError),
) -> Result<(), ImportError> {
    let outcomes =
        task.await.map_err(|e| ImportError::Store(e.to_string()))?.map_err(|e| ImportError::Store(e.to_string()))?;
    for (outcome, row_no) in outcomes.into_iter().zip(&rows) {
        match outcome {
            InsertOutcome::Inserted => summary.inserted += 1,
            InsertOutcome::Unchanged { .. } => summary.unchanged += 1,
            InsertOutcome::Duplicate { reason, .. } => {
                summary.rejected += 1;
                on_error(&RowError {
                    row: *row_no,
                    column: Column::Item.zh().into(),
                    value: String::new(),
                    reason: format!("duplicate: {reason}"),
                });
            }
        }
    }
    Ok(())
}
