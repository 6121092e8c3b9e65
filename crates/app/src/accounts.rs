//! Accounts, passwords (argon2id), browser sessions and API tokens.

use crate::clock::Clock;
use crate::error::AppError;
use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, PasswordVerifier, phc::PasswordHash};
use certguard_access::{AdminGrant, Principal, Role};
use certguard_store::{AuditRecord, NewUser, SessionRecord, Store, UserRecord};
use certguard_types::AuthorityCode;
use sha2::{Digest, Sha256};
use std::sync::Arc;

pub const MIN_PASSWORD_LEN: usize = 10;

/// argon2id with the library's defaults (19 MiB, 2 passes): OWASP's recommended minimum.
pub fn hash_password(password: &str) -> Result<String, AppError> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| AppError::invalid("password", format!("cannot hash: {e}")))
}

pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
}

/// SHA-256 of a bearer secret, hex: what the database keeps instead of the secret.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

fn random_token(prefix: &str) -> String {
    let bytes: [u8; 32] = rand::random();
    format!("{prefix}{}", hex::encode(bytes))
}

pub fn principal_of(u: &UserRecord) -> Principal {
    Principal { user_id: u.id, username: u.username.clone(), role: u.role, authority: u.authority.clone() }
}

pub fn validate_username(username: &str) -> Result<(), AppError> {
    let ok = (3..=32).contains(&username.len())
        && username.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b));
    if ok { Ok(()) } else { Err(AppError::invalid("username", "3 to 32 characters: a-z, 0-9, '.', '_', '-'")) }
}

pub fn validate_password(username: &str, password: &str) -> Result<(), AppError> {
    if password.chars().count() < MIN_PASSWORD_LEN {
        return Err(AppError::invalid("password", format!("at least {MIN_PASSWORD_LEN} characters")));
    }
    if password.eq_ignore_ascii_case(username) {
        return Err(AppError::invalid("password", "must differ from the username"));
    }
    Ok(())
}

#[derive(Clone)]
pub struct Accounts {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    session_ttl: chrono::Duration,
    /// Verified against when the user does not exist, so that timing does not reveal which usernames exist.
    dummy_hash: Arc<String>,
    /// Password hashes computed at once (argon2id takes 19 MiB and tens of milliseconds each): one per core,
    /// so a burst of logins queues instead of exhausting memory and starving every other request.
    hashing: Arc<tokio::sync::Semaphore>,
}

pub struct NewAccount {
    pub username: String,
    pub display_name: String,
    pub password: String,
    pub role: Role,
    pub authority: Option<AuthorityCode>,
}

impl Accounts {
    pub fn new(store: Arc<dyn Store>, clock: Arc<dyn Clock>, session_ttl: chrono::Duration) -> Self {
        let dummy_hash = Arc::new(hash_password("certguard-dummy-password").expect("hash"));
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        Accounts { store, clock, session_ttl, dummy_hash, hashing: Arc::new(tokio::sync::Semaphore::new(cores)) }
    }

    /// Hashes a new password in one of the hashing slots, off the async threads.
    async fn hash(&self, password: String) -> Result<String, AppError> {
        let _slot = self.hashing.acquire().await.map_err(|e| AppError::invalid("password", e.to_string()))?;
        tokio::task::spawn_blocking(move || hash_password(&password))
            .await
            .map_err(|e| AppError::invalid("password", e.to_string()))?
    }

    fn audit(&self, actor: &str, action: &str, target: &str, detail: &str, client: Option<&str>) -> AuditRecord {
        AuditRecord {
            at: self.clock.now(),
            actor: actor.into(),
            action: action.into(),
            target: target.into(),
            detail: detail.into(),
            client: client.map(str::to_string),
        }
    }

    pub async fn create_user(
        &self,
        admin: &AdminGrant,
        new: NewAccount,
        client: Option<&str>,
    ) -> Result<i64, AppError> {
        validate_username(&new.username)?;
        validate_password(&new.username, &new.password)?;
        match (new.role, &new.authority) {
            (Role::Issuer, None) => {
                return Err(AppError::invalid("authority", "an issuer account needs its authority"));
            }
            (Role::Issuer | Role::Inspector, Some(_)) | (_, None) => {}
            (_, Some(_)) => {
                return Err(AppError::invalid(
                    "authority",
                    "only issuer and inspector accounts belong to an authority",
                ));
            }
        }
        let hash = self.hash(new.password.clone()).await?;
        let audit = self.audit(admin.actor(), "user.add", &new.username, new.role.code(), client);
        let id = self
            .store
            .create_user(
                &NewUser {
                    username: new.username,
                    display_name: new.display_name,
                    password_hash: hash,
                    role: new.role,
                    authority: new.authority,
                },
                &audit,
            )
            .await?;
        Ok(id)
    }

    /// Checks the password and starts a session; returns the cookie secret and the principal.
    pub async fn login(
        &self,
        username: &str,
        password: &str,
        client: Option<&str>,
    ) -> Result<(String, Principal), AppError> {
        let user = self.store.user_by_name(username).await?;
        let hash = user
            .as_ref()
            .filter(|u| !u.disabled)
            .map_or_else(|| self.dummy_hash.to_string(), |u| u.password_hash.clone());
        let pw = password.to_string();
        let ok = match self.hashing.acquire().await {
            Ok(_slot) => tokio::task::spawn_blocking(move || verify_password(&pw, &hash)).await.unwrap_or(false),
            Err(_) => false,
        };
        let user = match user {
            Some(u) if ok && !u.disabled => u,
            _ => {
                let actor = if username.len() <= 64 { username } else { "?" };
                self.store.append_audit(&self.audit(actor, "login.failed", actor, "", client)).await?;
                return Err(AppError::BadCredentials);
            }
        };
        let token = random_token("");
        let now = self.clock.now();
        self.store
            .create_session(&SessionRecord {
                token_hash: token_hash(&token),
                user_id: user.id,
                created_at: now,
                expires_at: now + self.session_ttl,
            })
            .await?;
        self.store.append_audit(&self.audit(&user.username, "login", &user.username, "", client)).await?;
        Ok((token, principal_of(&user)))
    }

    pub async fn session(&self, token: &str) -> Result<Option<Principal>, AppError> {
        Ok(self.store.session(&token_hash(token), self.clock.now()).await?.map(|(_, u)| principal_of(&u)))
    }

    pub async fn logout(&self, token: &str) -> Result<(), AppError> {
        Ok(self.store.delete_session(&token_hash(token)).await?)
    }

    /// A new API token for `principal` (shown once; only its hash is stored).
    pub async fn create_api_token(
        &self,
        principal: &Principal,
        name: &str,
        client: Option<&str>,
    ) -> Result<String, AppError> {
        let token = random_token("cgt_");
        let audit = self.audit(&principal.username, "token.add", name, "", client);
        self.store.create_api_token(principal.user_id, name, &token_hash(&token), &audit).await?;
        Ok(token)
    }

    pub async fn authenticate_token(&self, token: &str) -> Result<Option<Principal>, AppError> {
        Ok(self.store.api_token(&token_hash(token)).await?.map(|(_, u)| principal_of(&u)))
    }

    pub async fn set_password(
        &self,
        admin: &AdminGrant,
        username: &str,
        password: &str,
        client: Option<&str>,
    ) -> Result<(), AppError> {
        validate_password(username, password)?;
        let user = self.store.user_by_name(username).await?.ok_or(AppError::NotFound)?;
        let hash = self.hash(password.to_string()).await?;
        let audit = self.audit(admin.actor(), "user.password", username, "", client);
        Ok(self.store.set_password(user.id, &hash, &audit).await?)
    }
}
