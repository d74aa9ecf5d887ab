//! People and what they may do: `DIR/users.json` lists each user with a role and the Argon2id hash of their
//! token. A token (`bl_` + key id + secret) is shown once, when the user is added; only its hash is kept. A
//! token presented to the server is checked against that hash once; after that the server knows it by its
//! SHA-256 and compares digests in constant time, so a request costs microseconds, not an Argon2 run.

use std::path::Path;
use std::sync::Mutex;

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::journal::hex;

/// The users file's name.
pub const USERS_FILE: &str = "users.json";

/// What a user may do; each role may do everything the one before it may.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Records new incidents as drafts, corrects and retires drafts.
    Editor,
    /// Also publishes and rejects drafts, and corrects and retires published incidents.
    Reviewer,
    /// Also adds and revokes users.
    Admin,
}

impl Role {
    /// The name in files and the API.
    pub fn as_str(&self) -> &'static str {
        match self {
            Role::Editor => "editor",
            Role::Reviewer => "reviewer",
            Role::Admin => "admin",
        }
    }
}

impl std::str::FromStr for Role {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "editor" => Ok(Role::Editor),
            "reviewer" => Ok(Role::Reviewer),
            "admin" => Ok(Role::Admin),
            other => Err(format!("{other:?} is not a role; valid: editor, reviewer, admin")),
        }
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Who is making a change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Actor {
    /// The user name the journal records.
    pub name: String,
    /// What they may do.
    pub role: Role,
}

/// One user as `users.json` keeps them.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct User {
    /// Unique name.
    pub name: String,
    /// Role.
    pub role: Role,
    /// The token's key id (the part after `bl_`, before `_`), to find the user from a token.
    pub key: String,
    /// Argon2id PHC string of the whole token.
    pub token_hash: String,
    /// When the user was added (RFC 3339).
    pub created_at: String,
    /// When the token was revoked; a revoked user's changes stay in the journal under their name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revoked_at: Option<String>,
}

/// The users file.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct UserList {
    /// Every user, revoked ones included.
    pub users: Vec<User>,
}

/// Why a user could not be added or revoked.
#[derive(Debug, thiserror::Error)]
pub enum UserError {
    /// The name is taken.
    #[error("there is already a user {0:?}")]
    Exists(String),
    /// No such user.
    #[error("no user {0:?}")]
    Unknown(String),
    /// The name is not usable.
    #[error("user names are 1–64 letters, digits, '.', '-' or '_' (got {0:?})")]
    BadName(String),
    /// The users file could not be read or written.
    #[error("{0}")]
    Io(String),
}

impl UserList {
    /// Reads `dir/users.json` (no file: no users).
    pub fn read(dir: &Path) -> Result<UserList, UserError> {
        let path = dir.join(USERS_FILE);
        match std::fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes)
                .map_err(|e| UserError::Io(format!("{}: not a users file: {e}", path.display()))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(UserList::default()),
            Err(e) => Err(UserError::Io(format!("cannot read {}: {e}", path.display()))),
        }
    }

    /// Writes `dir/users.json` atomically.
    pub fn write(&self, dir: &Path) -> Result<(), UserError> {
        let path = dir.join(USERS_FILE);
        crate::store::atomic_write(&path, |w| {
            serde_json::to_writer_pretty(&mut *w, self).map_err(std::io::Error::other)?;
            w.write_all(b"\n")
        })
        .map_err(|e| UserError::Io(format!("cannot write {}: {e}", path.display())))
    }

    /// Adds a user; returns their token, which is not kept anywhere.
    pub fn add(&mut self, name: &str, role: Role) -> Result<String, UserError> {
        let valid = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_');
        if name.is_empty() || name.len() > 64 || !name.chars().all(valid) {
            return Err(UserError::BadName(name.to_string()));
        }
        if self.users.iter().any(|u| u.name == name) {
            return Err(UserError::Exists(name.to_string()));
        }
        let key = hex(&random::<6>());
        let token = format!("bl_{key}_{}", hex(&random::<20>()));
        let token_hash = Argon2::default()
            .hash_password(token.as_bytes())
            .map_err(|e| UserError::Io(format!("cannot hash the token: {e}")))?
            .to_string();
        let created_at = crate::model::format_time(&crate::model::now());
        self.users.push(User { name: name.to_string(), role, key, token_hash, created_at, revoked_at: None });
        Ok(token)
    }

    /// Revokes a user's token.
    pub fn revoke(&mut self, name: &str) -> Result<(), UserError> {
        let user = self.users.iter_mut().find(|u| u.name == name).ok_or_else(|| UserError::Unknown(name.into()))?;
        if user.revoked_at.is_none() {
            user.revoked_at = Some(crate::model::format_time(&crate::model::now()));
        }
        Ok(())
    }
}

fn random<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).expect("the OS gives random bytes");
    bytes
}

/// Checks tokens: see the module documentation.
#[derive(Default)]
pub struct Gate {
    users: UserList,
    /// Tokens already checked, by key: the SHA-256 of the token and who it is.
    known: Mutex<FxHashMap<String, ([u8; 32], Actor)>>,
}

impl Gate {
    /// A gate for these users.
    pub fn new(users: UserList) -> Gate {
        Gate { users, known: Mutex::default() }
    }

    /// The users.
    pub fn users(&self) -> &UserList {
        &self.users
    }

    /// Who `token` belongs to, if it is a live token.
    pub fn check(&self, token: &str) -> Option<Actor> {
        let key = token.strip_prefix("bl_")?.split('_').next()?;
        let digest: [u8; 32] = Sha256::digest(token.as_bytes()).into();
        if let Some((known, actor)) = self.known.lock().ok()?.get(key)
            && bool::from(known.ct_eq(&digest))
        {
            return Some(actor.clone());
        }
        let user = self.users.users.iter().find(|u| u.key == key && u.revoked_at.is_none())?;
        let hash = PasswordHash::new(&user.token_hash).ok()?;
        Argon2::default().verify_password(token.as_bytes(), &hash).ok()?;
        let actor = Actor { name: user.name.clone(), role: user.role };
        self.known.lock().ok()?.insert(key.to_string(), (digest, actor.clone()));
        Some(actor)
    }
}
