//! OpenSSH public keys: validation and the SHA256 fingerprint `ssh-keygen -l` prints.

use base64::Engine;
use sha2::{Digest, Sha256};

/// Key types accepted in `public_key`.
pub const KEY_TYPES: [&str; 6] = [
    "ssh-rsa",
    "ssh-ed25519",
    "ecdsa-sha2-nistp256",
    "ecdsa-sha2-nistp384",
    "ecdsa-sha2-nistp521",
    "ssh-dss",
];

/// Checks that `key` is one OpenSSH public key line (`type base64 [comment]`).
pub fn validate(key: &str) -> Result<(), String> {
    let mut parts = key.split_whitespace();
    let kind = parts.next().ok_or("the public key is empty")?;
    if !KEY_TYPES.contains(&kind) {
        return Err(format!(
            "{kind:?} is not an OpenSSH public key type; paste the whole line of your .pub file (e.g. \"ssh-ed25519 AAAA... me@host\")"
        ));
    }
    let blob = parts
        .next()
        .ok_or("the public key has no key data after its type")?;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(blob)
        .map_err(|_| "the key data is not valid base64".to_string())?;
    if bytes.len() < 4 + kind.len() || &bytes[4..4 + kind.len()] != kind.as_bytes() {
        return Err("the key data does not match its type".into());
    }
    Ok(())
}

/// `SHA256:<base64 without padding>` of the key blob, as `ssh-keygen -l` prints it.
pub fn fingerprint(key: &str) -> Option<String> {
    let blob = key.split_whitespace().nth(1)?;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(blob)
        .ok()?;
    let digest = Sha256::digest(&bytes);
    Some(format!(
        "SHA256:{}",
        base64::engine::general_purpose::STANDARD_NO_PAD.encode(digest)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str =
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl me@host";

    #[test]
    fn accepts_real_keys_and_refuses_garbage() {
        assert!(validate(KEY).is_ok());
        assert!(validate("hello world").is_err());
        assert!(validate("ssh-rsa !!!").is_err());
        assert!(validate(
            "ssh-rsa AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl"
        )
        .is_err());
    }

    #[test]
    fn fingerprint_matches_ssh_keygen() {
        assert_eq!(
            fingerprint(KEY).as_deref(),
            Some("SHA256:+DiY3wvvV6TuJJhbpZisF/zLDA0zPMSvHdkr4UvCOqU")
        );
    }
}
