//! The registry's use cases: issue, operate on, read and look up certificates ([`Registry`], here), the public
//! view of a certificate ([`lookup`]), CSV/XLSX [`import`] and [`export`].

pub mod export;
pub mod import;
pub mod lookup;

use crate::clock::Clock;
use crate::credentials::Credentials;
use crate::error::AppError;
use crate::translog::TransLog;
use certguard_access::{IssuerGrant, RegistryReader};
use certguard_registry::{Catalogue, Certificate, Command, Event, NewCertificate, Serial, build_certificate};
use certguard_store::{
    AuditRecord, Authority, CertificateQuery, InsertOutcome, NewRecord, Store, StoredCertificate, StoredEvent,
};
use certguard_types::{AuthorityCode, CertificateNumber, PersonName};
use lookup::PublicCertificate;
use std::collections::HashMap;
use std::sync::{Arc, RwLock};

/// The registry service. Cheap to clone.
#[derive(Clone)]
pub struct Registry {
    store: Arc<dyn Store>,
    catalogue: Arc<Catalogue>,
    clock: Arc<dyn Clock>,
    authority_names: Arc<RwLock<HashMap<AuthorityCode, (String, String)>>>,
    credentials: Option<Arc<Credentials>>,
    log: Option<Arc<TransLog>>,
    lead_jobs: crate::leads::JobSettings,
    receipt_signer: Option<Arc<certguard_tlog::note::NoteSigner>>,
}

/// A fresh random serial (the credential's cti): never derived from the holder.
/// A new serial: the issuing time in milliseconds (6 bytes, big-endian) then 80 random bits.
///
/// Time first so that the indexes keyed by serial (the certificates' and the log's) grow at their right edge
/// instead of touching a random page per insert, which made a million-row import several times slower once
/// those indexes outgrew the cache. 80 random bits keep serials unguessable; the time they reveal is no
/// more than the certificate's public issue date.
pub fn new_serial(now: chrono::DateTime<chrono::Utc>) -> Serial {
    let millis = u64::try_from(now.timestamp_millis()).unwrap_or(0);
    let mut bytes: [u8; 16] = rand::random();
    bytes[..6].copy_from_slice(&millis.to_be_bytes()[2..]);
    Serial(bytes)
}

impl Registry {
    pub async fn new(store: Arc<dyn Store>, catalogue: Catalogue, clock: Arc<dyn Clock>) -> Result<Self, AppError> {
        let r = Registry {
            store,
            catalogue: Arc::new(catalogue),
            clock,
            authority_names: Arc::new(RwLock::new(HashMap::new())),
            credentials: None,
            log: None,
            lead_jobs: crate::leads::JobSettings::default(),
            receipt_signer: None,
        };
        r.reload_authorities().await?;
        Ok(r)
    }

    /// Signs a QR credential for every issue, review, renewal and correction from now on.
    pub fn with_credentials(mut self, credentials: Arc<Credentials>) -> Self {
        self.credentials = Some(credentials);
        self
    }

    /// Acknowledges every change only once its event is in the transparency log.
    pub fn with_log(mut self, log: Arc<TransLog>) -> Self {
        self.log = Some(log);
        self
    }

    /// Which background jobs the leads stored from now on queue (page fetches, notifications).
    pub fn with_lead_jobs(mut self, settings: crate::leads::JobSettings) -> Self {
        self.lead_jobs = settings;
        self
    }

    /// Signs roster verification receipts with this key (see [`crate::roster`]).
    pub fn with_receipt_signer(mut self, signer: certguard_tlog::note::NoteSigner) -> Self {
        self.receipt_signer = Some(Arc::new(signer));
        self
    }

    pub fn receipt_signer(&self) -> Option<&Arc<certguard_tlog::note::NoteSigner>> {
        self.receipt_signer.as_ref()
    }

    pub fn lead_jobs(&self) -> crate::leads::JobSettings {
        self.lead_jobs
    }

    pub fn log(&self) -> Option<&Arc<TransLog>> {
        self.log.as_ref()
    }

    /// Waits until the changes made so far are sequenced into the log (if this registry keeps one).
    pub async fn logged(&self) -> Result<(), AppError> {
        match &self.log {
            Some(log) => log.acknowledge().await,
            None => Ok(()),
        }
    }

    /// Logs the trust list's keys (added or removed since the log last recorded them). Without a trust list
    /// yet (a fresh install before `trust-list sign`), nothing is logged.
    pub async fn log_trust_list(&self) -> Result<usize, AppError> {
        let (Some(log), Some(creds)) = (&self.log, &self.credentials) else { return Ok(0) };
        match creds.trusted_keys(self.clock.now().timestamp()) {
            Ok(keys) => log.sync_trust_list(&keys).await,
            Err(why) => {
                tracing::info!(%why, "no trust list to log yet");
                Ok(0)
            }
        }
    }

    pub fn credentials(&self) -> Option<&Arc<Credentials>> {
        self.credentials.as_ref()
    }

    /// Signs (or re-signs) `cert` if this registry signs credentials.
    async fn signed(&self, mut cert: Certificate) -> Result<Certificate, AppError> {
        if let Some(c) = &self.credentials {
            let name = self.authority_name(&cert.authority).0;
            cert.credential = Some(c.sign(self.store.as_ref(), &cert, &name, self.clock.now().timestamp()).await?);
        }
        Ok(cert)
    }

    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }
    pub fn catalogue(&self) -> &Catalogue {
        &self.catalogue
    }
    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.clock
    }

    async fn reload_authorities(&self) -> Result<(), AppError> {
        let all = self.store.authorities().await?;
        let mut names = self.authority_names.write().expect("authority cache");
        names.clear();
        for a in all {
            names.insert(a.code, (a.name_zh, a.name_en));
        }
        Ok(())
    }

    pub async fn put_authority(&self, authority: Authority) -> Result<(), AppError> {
        self.store.put_authority(&authority).await?;
        self.reload_authorities().await
    }

    pub fn authority_name(&self, code: &AuthorityCode) -> (String, String) {
        self.authority_names
            .read()
            .expect("authority cache")
            .get(code)
            .cloned()
            .unwrap_or_else(|| (code.to_string(), code.to_string()))
    }

    /// The known authorities as (code, (Chinese name, English name)), sorted by code.
    pub fn store_authorities_cached(&self) -> Vec<(AuthorityCode, (String, String))> {
        let mut all: Vec<_> =
            self.authority_names.read().expect("authority cache").iter().map(|(k, v)| (k.clone(), v.clone())).collect();
        all.sort();
        all
    }

    pub fn authority_known(&self, code: &AuthorityCode) -> bool {
        self.authority_names.read().expect("authority cache").contains_key(code)
    }

    /// Finds an authority by code or by its Chinese or English name (imports carry names).
    pub fn find_authority(&self, text: &str) -> Option<AuthorityCode> {
        let t = text.trim();
        let names = self.authority_names.read().expect("authority cache");
        if let Ok(code) = t.parse::<AuthorityCode>()
            && names.contains_key(&code)
        {
            return Some(code);
        }
        names.iter().find(|(_, (zh, en))| zh == t || en.eq_ignore_ascii_case(t)).map(|(c, _)| c.clone())
    }

    fn audit(&self, actor: &str, action: &str, target: &str, detail: String, client: Option<&str>) -> AuditRecord {
        AuditRecord {
            at: self.clock.now(),
            actor: actor.to_string(),
            action: action.to_string(),
            target: target.to_string(),
            detail,
            client: client.map(str::to_string),
        }
    }

    /// Issues a new certificate for the grant's authority.
    pub async fn issue(
        &self,
        grant: &IssuerGrant,
        new: NewCertificate,
        client: Option<&str>,
    ) -> Result<Certificate, AppError> {
        if &new.authority != grant.authority() {
            return Err(AppError::invalid("authority", format!("you issue for {} only", grant.authority())));
        }
        if !self.authority_known(&new.authority) {
            return Err(AppError::invalid("authority", format!("unknown authority {}", new.authority)));
        }
        let cert = build_certificate(new, &self.catalogue, new_serial(self.clock.now()), self.clock.today())?;
        let cert = self.signed(cert).await?;
        let rec = NewRecord {
            certificate: cert.clone(),
            event: Event::Issued,
            actor: grant.actor().to_string(),
            at: self.clock.now(),
        };
        let (c1, c2) = cert.scope.codes();
        let audit = self.audit(
            grant.actor(),
            "certificate.issue",
            &cert.serial.to_hex(),
            format!("{} {c1}/{c2}", cert.number.masked()),
            client,
        );
        match self.store.insert_certificates(&[rec], &audit).await?.remove(0) {
            InsertOutcome::Inserted => {
                self.logged().await?;
                Ok(cert)
            }
            InsertOutcome::Unchanged { serial } => Err(AppError::Conflict(format!("already recorded as {serial}"))),
            InsertOutcome::Duplicate { reason, .. } => Err(AppError::Conflict(reason)),
        }
    }

    /// Applies a registry operation. With `expected_version`, refuses if someone changed it meanwhile.
    pub async fn apply(
        &self,
        grant: &IssuerGrant,
        serial: &Serial,
        cmd: &Command,
        expected_version: Option<i64>,
        client: Option<&str>,
    ) -> Result<StoredCertificate, AppError> {
        let stored = self.store.certificate(serial).await?.ok_or(AppError::NotFound)?;
        if &stored.certificate.authority != grant.authority() {
            return Err(certguard_access::Denied::OtherAuthority {
                own: grant.authority().to_string(),
                other: stored.certificate.authority.to_string(),
            }
            .into());
        }
        if let Some(v) = expected_version
            && v != stored.version
        {
            return Err(AppError::Conflict("the certificate was changed by someone else; reload and retry".into()));
        }
        let (next, event) = certguard_registry::apply(&stored.certificate, cmd, self.clock.today())?;
        let next = if event.changes_signed_content() { self.signed(next).await? } else { next };
        let detail = serde_json::to_string(&event).unwrap_or_default();
        let audit = self.audit(grant.actor(), &format!("certificate.{}", cmd.name()), &serial.to_hex(), detail, client);
        let rec =
            NewRecord { certificate: next.clone(), event, actor: grant.actor().to_string(), at: self.clock.now() };
        let version = self.store.update_certificate(&next, stored.version, &rec, &audit).await?;
        if rec.event.changes_status()
            && let Some(c) = &self.credentials
        {
            // Republished on the next request: within seconds of the change.
            c.invalidate_status(&next.authority);
        }
        self.logged().await?;
        Ok(StoredCertificate { certificate: next, version, created_at: stored.created_at, updated_at: rec.at })
    }

    pub async fn get(&self, reader: &RegistryReader, serial: &Serial) -> Result<StoredCertificate, AppError> {
        let stored = self.store.certificate(serial).await?.ok_or(AppError::NotFound)?;
        if !reader.may_read(&stored.certificate.authority) {
            // Another authority's record is "not found" to an issuer, as for the public.
            return Err(AppError::NotFound);
        }
        Ok(stored)
    }

    pub async fn history(&self, reader: &RegistryReader, serial: &Serial) -> Result<Vec<StoredEvent>, AppError> {
        self.get(reader, serial).await?;
        Ok(self.store.history(serial).await?)
    }

    pub async fn search(
        &self,
        reader: &RegistryReader,
        mut query: CertificateQuery,
    ) -> Result<(Vec<StoredCertificate>, u64), AppError> {
        if let Some(only) = reader.limited_to() {
            query.authority = Some(only.clone());
        }
        query.today.get_or_insert(self.clock.today());
        Ok(self.store.search(&query).await?)
    }

    /// The public lookup: number and name both required; any miss, whatever its cause, is `NotFound`.
    pub async fn public_lookup(&self, number: &str, name: &str) -> Result<Vec<PublicCertificate>, AppError> {
        let (Ok(number), Ok(name)) = (number.parse::<CertificateNumber>(), name.parse::<PersonName>()) else {
            return Err(AppError::NotFound);
        };
        let found = self.store.lookup(&number, &name).await?;
        if found.is_empty() {
            return Err(AppError::NotFound);
        }
        let today = self.clock.today();
        Ok(found.iter().map(|c| self.public_view(c, today)).collect())
    }

    /// Signs every certificate without a credential (after an import), or all of them (`all`, after a key
    /// rotation), optionally for one authority. Returns how many were signed.
    pub async fn sign_credentials(
        &self,
        authority: Option<&AuthorityCode>,
        all: bool,
        actor: &str,
        mut on_progress: impl FnMut(u64),
    ) -> Result<u64, AppError> {
        let Some(creds) = self.credentials.clone() else {
            return Err(AppError::invalid("credentials", "this registry does not sign credentials"));
        };
        let mut cursor = 0i64;
        let mut signed = 0u64;
        loop {
            let page = self.store.certificates_after(cursor, authority, 500).await?;
            let Some(last) = page.last() else { break };
            cursor = last.0;
            for (_, cert) in page {
                // Unsigned certificates, and credentials of an older body version (v1 carried a salted
                // commitment of the ID, from which the ID can be recovered), are signed; `all` re-signs
                // everything (after a key rotation).
                let outdated = cert.credential.as_ref().is_none_or(|c| {
                    certguard_credential::envelope::body_version(&c.text)
                        != Some(certguard_credential::body::BODY_VERSION as u8)
                });
                if !outdated && !all {
                    continue;
                }
                let Some(stored) = self.store.certificate(&cert.serial).await? else { continue };
                let next = self.signed(stored.certificate.clone()).await?;
                let kid = next.credential.as_ref().map(|c| c.kid.clone()).unwrap_or_default();
                let now = self.clock.now();
                let rec = NewRecord {
                    certificate: next.clone(),
                    event: Event::CredentialSigned { kid: kid.clone() },
                    actor: actor.to_string(),
                    at: now,
                };
                let audit = self.audit(actor, "certificate.sign", &next.serial.to_hex(), format!("kid {kid}"), None);
                self.store.update_certificate(&next, stored.version, &rec, &audit).await?;
                signed += 1;
                on_progress(signed);
            }
        }
        if let Some(a) = authority {
            creds.invalidate_status(a);
        } else {
            for (a, _) in self.store_authorities_cached() {
                creds.invalidate_status(&a);
            }
        }
        self.logged().await?;
        Ok(signed)
    }

    pub fn public_view(&self, c: &Certificate, today: chrono::NaiveDate) -> PublicCertificate {
        let (zh, en) = self.authority_name(&c.authority);
        PublicCertificate::of(c, &self.catalogue, (&zh, &en), today)
    }
}

#[cfg(test)]
mod tests {
    use super::new_serial;

    #[test]
    fn serials_are_time_ordered_yet_unpredictable() {
        let t = chrono::Utc::now();
        let first = new_serial(t);
        let later: Vec<_> = (0..1000).map(|_| new_serial(t + chrono::Duration::milliseconds(3))).collect();
        // Ordered across milliseconds: the indexes keyed by serial grow at their right edge.
        assert!(later.iter().all(|s| *s > first));
        // Distinct within one millisecond: the random part differs.
        let mut distinct = later.clone();
        distinct.sort();
        distinct.dedup();
        assert_eq!(distinct.len(), later.len());
        // The random tail is not constant (a zeroed tail would make serials guessable).
        assert!(later.windows(2).any(|w| w[0].0[6..] != w[1].0[6..]));
    }
}
