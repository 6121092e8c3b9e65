//! Signing the registry's certificates as AQ1 QR credentials, publishing each authority's status list, and
//! verifying credentials online (offline checks plus the registry record).
//!
//! Keys: one Ed25519 signing key per issuing authority in `<data_dir>/keys/<CODE>.pem` (mode 0600), made on
//! first use. The trust list is signed offline with the trust-anchor key (`certguard trust-list sign`); the
//! server only publishes the signed file `<data_dir>/trust-list.cwt` and pins `<data_dir>/trust-anchor.pub.pem`.

use crate::error::AppError;
use certguard_credential::keys::{public_key_from_pem, public_key_to_pem};
use certguard_credential::status_list::{StatusList, StatusListToken, allocate_index};
use certguard_credential::trust_list::TrustState;
use certguard_credential::{
    Algorithm, Body, CertKind, Claims, Signer, SigningKey, StatusRef, StatusStore, TrustEntry, TrustList, TrustStore,
};
use certguard_registry::{Certificate, Scope, SignedCredential};
use certguard_store::Store;
use certguard_types::AuthorityCode;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};

/// Entries in each authority's status list: large, so that an index tells nothing about a holder.
pub const STATUS_LIST_LEN: u64 = 1 << 20;
/// How long a verifier may rely on a fetched status list (seconds).
pub const STATUS_TTL: i64 = 300;
/// A published status list is re-signed once it is this old, so that whoever fetches it (and caches it for
/// the rest of its ttl, see [`Credentials::status_max_age`]) never holds a list past its ttl.
pub const STATUS_REFRESH: i64 = STATUS_TTL / 2;
/// How long a demo trust list stays valid (seconds).
const DEMO_TRUST_DAYS: i64 = 365;

/// (authority, URI a status list is published at)
type StatusKey = (AuthorityCode, String);
/// A signed status list and when it was signed (Unix seconds).
type SignedList = (Arc<Vec<u8>>, i64);

pub struct Credentials {
    data_dir: PathBuf,
    /// e.g. "http://127.0.0.1:8080": status-list URIs are `<base>/status/<CODE>`.
    public_base: String,
    keys: RwLock<HashMap<AuthorityCode, Arc<SigningKey>>>,
    /// Signed status lists by (authority, URI they are published at), with the time they were signed.
    status_cache: RwLock<HashMap<StatusKey, SignedList>>,
    /// The newest trust list accepted so far (rollback protection).
    trust_seen: Mutex<Option<TrustState>>,
}

fn key_error(e: impl std::fmt::Display) -> AppError {
    AppError::invalid("signing_key", e.to_string())
}

impl Credentials {
    pub fn new(data_dir: &Path, public_base: &str) -> Self {
        Credentials {
            data_dir: data_dir.to_path_buf(),
            public_base: public_base.trim_end_matches('/').to_string(),
            keys: RwLock::new(HashMap::new()),
            status_cache: RwLock::new(HashMap::new()),
            trust_seen: Mutex::new(None),
        }
    }

    /// The address verifiers reach this server at (no trailing slash).
    pub fn public_base(&self) -> &str {
        &self.public_base
    }

    pub fn trust_list_path(&self) -> PathBuf {
        self.data_dir.join("trust-list.cwt")
    }

    pub fn anchor_public_path(&self) -> PathBuf {
        self.data_dir.join("trust-anchor.pub.pem")
    }

    pub fn status_uri(&self, authority: &AuthorityCode) -> String {
        format!("{}/status/{}", self.public_base, authority)
    }

    /// The authority's signing key, created (Ed25519, mode 0600) if it has none.
    pub fn signing_key(&self, authority: &AuthorityCode) -> Result<Arc<SigningKey>, AppError> {
        if let Some(k) = self.keys.read().expect("key cache").get(authority) {
            return Ok(k.clone());
        }
        let dir = self.data_dir.join("keys");
        let path = dir.join(format!("{authority}.pem"));
        let key = if path.exists() {
            SigningKey::read_file(&path, None).map_err(key_error)?
        } else {
            std::fs::create_dir_all(&dir).map_err(key_error)?;
            let key = SigningKey::generate(Algorithm::EdDSA, &mut rand::rng()).map_err(key_error)?;
            key.write_file(&path, None, &mut rand::rng()).map_err(key_error)?;
            std::fs::write(dir.join(format!("{authority}.pub.pem")), public_key_to_pem(&key.public_key()))
                .map_err(key_error)?;
            key
        };
        let key = Arc::new(key);
        self.keys.write().expect("key cache").insert(authority.clone(), key.clone());
        Ok(key)
    }

    /// Signs `cert` as it is now. The status index is kept if the certificate has one, else drawn at random
    /// among the free entries of the authority's list.
    pub async fn sign(
        &self,
        store: &dyn Store,
        cert: &Certificate,
        authority_name: &str,
        now: i64,
    ) -> Result<SignedCredential, AppError> {
        let status_idx = match &cert.credential {
            Some(c) => c.status_idx,
            None => self.free_index(store, &cert.authority).await?,
        };
        self.sign_with_index(cert, authority_name, status_idx, now)
    }

    async fn free_index(&self, store: &dyn Store, authority: &AuthorityCode) -> Result<u64, AppError> {
        for _ in 0..64 {
            let idx = allocate_index(&mut rand::rng(), STATUS_LIST_LEN, |_| false, 1)
                .ok_or_else(|| AppError::Conflict("status list too small".into()))?;
            if !store.status_index_taken(authority, idx).await? {
                return Ok(idx);
            }
        }
        Err(AppError::Conflict(format!("the status list of {authority} is full")))
    }

    /// Signs with a given status index (batch signing draws indices itself).
    pub fn sign_with_index(
        &self,
        cert: &Certificate,
        authority_name: &str,
        status_idx: u64,
        now: i64,
    ) -> Result<SignedCredential, AppError> {
        let key = self.signing_key(&cert.authority)?;
        let (kind, category, item) = match &cert.scope {
            Scope::SpecialOperation { category, item } => (CertKind::SpecialOperation, category, item),
            Scope::Management { personnel_type, industry } => (CertKind::Management, personnel_type, industry),
        };
        let deadline = cert.next_deadline();
        // Body v2: the masked ID only, nothing computed from the full ID number.
        let body = Body {
            kind,
            number_masked: cert.number.masked(),
            holder_name: cert.holder.name.to_string(),
            sex: cert.holder.sex,
            id_masked: cert.holder.identity.masked(),
            category: category.clone(),
            item: item.clone(),
            first_issue: cert.first_issued,
            valid_from: cert.valid_from,
            valid_to: cert.valid_until,
            review_due: deadline,
            last_review: cert.last_review,
            authority_code: cert.authority.to_string(),
            authority_name: authority_name.to_string(),
        };
        // The signature holds until the next review (or the end of validity), end of that day in Beijing.
        let exp = deadline.and_hms_opt(23, 59, 59).expect("valid time").and_utc().timestamp() - 8 * 3600;
        let claims = Claims {
            iss: cert.authority.to_string(),
            iat: now,
            exp,
            // The cti is the certificate's public random serial, so a verifier can ask the registry about it.
            cti: cert.serial.0.to_vec(),
            status: Some(StatusRef { idx: status_idx, uri: self.status_uri(&cert.authority) }),
        };
        let text = certguard_credential::issue(&body, &claims, key.as_ref());
        Ok(SignedCredential { text, status_idx, kid: hex::encode(key.kid()), signed_at: now })
    }

    /// Forgets the published status list of `authority` so the next request signs a fresh one.
    pub fn invalidate_status(&self, authority: &AuthorityCode) {
        self.status_cache.write().expect("status cache").retain(|(a, _), _| a != authority);
    }

    /// The authority's signed status list (2 bits: 0 valid, 1 revoked or cancelled, 2 suspended).
    pub async fn status_token(
        &self,
        store: &dyn Store,
        authority: &AuthorityCode,
        now: i64,
    ) -> Result<Arc<Vec<u8>>, AppError> {
        self.status_token_at(store, authority, &self.status_uri(authority), now).await
    }

    /// The status list signed for publication at `uri` (credentials signed while the server had another
    /// public address still name that address).
    pub async fn status_token_at(
        &self,
        store: &dyn Store,
        authority: &AuthorityCode,
        uri: &str,
        now: i64,
    ) -> Result<Arc<Vec<u8>>, AppError> {
        let key = (authority.clone(), uri.to_string());
        if let Some((t, signed_at)) = self.status_cache.read().expect("status cache").get(&key)
            && (0..STATUS_REFRESH).contains(&(now - signed_at))
        {
            return Ok(t.clone());
        }
        let mut list = StatusList::new(2, STATUS_LIST_LEN).map_err(|e| AppError::Conflict(e.to_string()))?;
        for (idx, lifecycle) in store.status_entries(authority).await? {
            let status = match lifecycle.as_str() {
                "revoked" | "cancelled" => 1,
                "suspended" => 2,
                _ => 0,
            };
            list.set(idx, status);
        }
        let signer = self.signing_key(authority)?;
        let token =
            Arc::new(StatusListToken::sign(uri, &list, now, Some(now + 24 * 3600), STATUS_TTL, signer.as_ref()));
        self.status_cache.write().expect("status cache").insert(key, (token.clone(), now));
        Ok(token)
    }

    /// How long an HTTP cache may keep the list of `authority` that [`Self::status_token`] just returned:
    /// what is left of its ttl, so no cache serves it past the time a verifier would refuse it.
    pub fn status_max_age(&self, authority: &AuthorityCode, now: i64) -> i64 {
        let key = (authority.clone(), self.status_uri(authority));
        let signed_at = self.status_cache.read().expect("status cache").get(&key).map_or(now, |(_, at)| *at);
        (STATUS_TTL - (now - signed_at)).clamp(0, STATUS_TTL)
    }

    /// Where the highest trust-list sequence this server has accepted is kept.
    pub fn trust_state_path(&self) -> PathBuf {
        certguard_credential::cli::default_trust_state(&self.trust_list_path())
    }

    /// The trust store a verifier on this server uses: the pinned anchor and the published list. A list
    /// older than the newest one this server has accepted (kept in memory and in the state file) is refused:
    /// an old list may still name a key that was removed.
    pub fn trust_store(&self, now: i64) -> Result<TrustStore, String> {
        let anchor_pem = std::fs::read_to_string(self.anchor_public_path())
            .map_err(|e| format!("no trust anchor ({}): {e}", self.anchor_public_path().display()))?;
        let anchor = public_key_from_pem(&anchor_pem).map_err(|e| e.to_string())?;
        let bytes = std::fs::read(self.trust_list_path()).map_err(|e| format!("no trust list: {e}"))?;
        let mut seen = self.trust_seen.lock().expect("trust state");
        if seen.is_none() {
            *seen = certguard_credential::cli::read_trust_state(&self.trust_state_path()).map_err(|e| e.to_string())?;
        }
        let mut store = TrustStore::with_state(anchor, seen.clone());
        store.update(&bytes, now).map_err(|e| e.to_string())?;
        let state = store.state();
        if state.as_ref().map(|s| s.sequence) > seen.as_ref().map(|s| s.sequence)
            && let Some(state) = state
        {
            if let Err(e) = certguard_credential::cli::write_trust_state(&self.trust_state_path(), &state) {
                tracing::warn!(error = %e, "could not record the trust-list sequence (held in memory)");
            }
            *seen = Some(state);
        }
        Ok(store)
    }

    /// The keys the current trust list names (for the transparency log's key events).
    pub fn trusted_keys(&self, now: i64) -> Result<Vec<crate::translog::TrustedKey>, String> {
        let store = self.trust_store(now)?;
        Ok(store
            .list()
            .map(|l| {
                l.entries
                    .iter()
                    .map(|e| crate::translog::TrustedKey {
                        authority: e.authority_code.clone(),
                        kid: e.kid.clone(),
                        public_key: e.key.spki_der().to_vec(),
                    })
                    .collect()
            })
            .unwrap_or_default())
    }

    /// Fresh status lists of the given authorities, checked against `trust`.
    pub async fn status_store(
        &self,
        store: &dyn Store,
        trust: &TrustStore,
        lists: &[(AuthorityCode, String)],
        now: i64,
    ) -> Result<StatusStore, AppError> {
        let mut status = StatusStore::new();
        for (a, uri) in lists {
            let token = self.status_token_at(store, a, uri, now).await?;
            // A list the trust list cannot vouch for (e.g. a key not yet listed) is simply absent: the
            // verifier then answers "status unknown", never "valid".
            let _ = status.insert(&token, trust, now);
        }
        Ok(status)
    }

    /// For the demo only: makes a trust anchor in the data directory and signs a trust list of the given
    /// authorities' keys. A real anchor key never touches the server (`certguard trust-list sign`).
    pub fn demo_trust_setup(&self, authorities: &[(AuthorityCode, String)], now: i64) -> Result<(), AppError> {
        let anchor_path = self.data_dir.join("demo-trust-anchor.pem");
        let anchor = if anchor_path.exists() {
            SigningKey::read_file(&anchor_path, None).map_err(key_error)?
        } else {
            let k = SigningKey::generate(Algorithm::EdDSA, &mut rand::rng()).map_err(key_error)?;
            k.write_file(&anchor_path, None, &mut rand::rng()).map_err(key_error)?;
            k
        };
        let mut entries = Vec::new();
        for (code, name) in authorities {
            let key = self.signing_key(code)?;
            entries.push(TrustEntry::for_key(
                key.algorithm(),
                key.public_key(),
                code.as_str(),
                name,
                now - 3600,
                now + 3 * 365 * 24 * 3600,
            ));
        }
        let list = TrustList {
            issuer: "certguard demo trust anchor (演示)".into(),
            sequence: now.max(1) as u64,
            iat: now - 60,
            exp: now + DEMO_TRUST_DAYS * 24 * 3600,
            entries,
        };
        std::fs::write(self.trust_list_path(), list.sign(&anchor)).map_err(key_error)?;
        std::fs::write(self.anchor_public_path(), public_key_to_pem(&anchor.public_key())).map_err(key_error)?;
        Ok(())
    }
}
