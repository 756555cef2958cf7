//! TCP_NODELAY for Terraform's gRPC connection.
//!
//! tf-provider 0.2.2 binds its own listener and hands accepted sockets to tonic without
//! TCP_NODELAY, so every small gRPC frame waits for the peer's delayed ACK (about 40 ms).
//! On Linux an accepted socket inherits TCP_NODELAY from its listening socket, and
//! Terraform only connects once it has read the handshake line from our stdout. So we
//! route stdout through a pipe: when the handshake line passes, we find the listening
//! socket on the announced port, set TCP_NODELAY on it, and only then forward the line.

use std::fs::File;
use std::io::{BufRead, BufReader, Write};
use std::os::fd::{FromRawFd, RawFd};

/// Redirects stdout through a forwarding thread that enables TCP_NODELAY on the
/// plugin's listening socket before Terraform learns its address.
pub fn install_nodelay_interceptor() -> std::io::Result<()> {
    let (read_end, write_end) = pipe()?;
    // SAFETY: plain fd syscalls on descriptors we own; stdout is fd 1.
    let real_stdout = unsafe { libc::dup(1) };
    if real_stdout < 0 || unsafe { libc::dup2(write_end, 1) } < 0 {
        return Err(std::io::Error::last_os_error());
    }
    // SAFETY: write_end was duplicated onto fd 1 and is no longer needed.
    unsafe { libc::close(write_end) };
    std::thread::Builder::new()
        .name("stdout-forwarder".into())
        .spawn(move || forward_stdout(read_end, real_stdout))?;
    Ok(())
}

fn pipe() -> std::io::Result<(RawFd, RawFd)> {
    let mut fds = [0 as RawFd; 2];
    // SAFETY: fds has room for the two descriptors pipe(2) writes.
    if unsafe { libc::pipe(fds.as_mut_ptr()) } != 0 {
        return Err(std::io::Error::last_os_error());
    }
    Ok((fds[0], fds[1]))
}

fn forward_stdout(read_end: RawFd, real_stdout: RawFd) {
    // SAFETY: both descriptors are owned by this thread from here on.
    let reader = BufReader::new(unsafe { File::from_raw_fd(read_end) });
    let mut out = unsafe { File::from_raw_fd(real_stdout) };
    for line in reader.split(b'\n') {
        let Ok(line) = line else { break };
        if let Some(port) = handshake_port(&line) {
            let found = set_nodelay_on_listener(port);
            tracing::debug!(port, found, "TCP_NODELAY set on the plugin listener");
        }
        let _ = out.write_all(&line);
        let _ = out.write_all(b"\n");
        let _ = out.flush();
    }
}

/// Extracts the TCP port from a go-plugin handshake line
/// (`CORE|PROTO|tcp|127.0.0.1:PORT|grpc|CERT`).
pub fn handshake_port(line: &[u8]) -> Option<u16> {
    let line = std::str::from_utf8(line).ok()?;
    let mut fields = line.trim_end().split('|');
    let (_, _, network, address) = (
        fields.next()?,
        fields.next()?,
        fields.next()?,
        fields.next()?,
    );
    if network != "tcp" {
        return None;
    }
    address.rsplit_once(':')?.1.parse().ok()
}

/// Sets TCP_NODELAY on every listening TCP socket of this process bound to `port`.
/// Returns whether one was found.
pub fn set_nodelay_on_listener(port: u16) -> bool {
    let Ok(entries) = std::fs::read_dir("/proc/self/fd") else {
        return false;
    };
    let mut found = false;
    for entry in entries.flatten() {
        let Some(fd) = entry
            .file_name()
            .to_str()
            .and_then(|n| n.parse::<RawFd>().ok())
        else {
            continue;
        };
        if is_listener_on(fd, port) {
            let one: libc::c_int = 1;
            // SAFETY: setsockopt on a socket descriptor with a correctly sized value.
            let rc = unsafe {
                libc::setsockopt(
                    fd,
                    libc::IPPROTO_TCP,
                    libc::TCP_NODELAY,
                    &one as *const _ as *const libc::c_void,
                    std::mem::size_of::<libc::c_int>() as libc::socklen_t,
                )
            };
            found |= rc == 0;
        }
    }
    found
}

fn is_listener_on(fd: RawFd, port: u16) -> bool {
    // SAFETY: getsockname/getsockopt write into correctly sized local buffers; a
    // descriptor that is not a socket makes them fail, which we treat as "no".
    unsafe {
        let mut addr: libc::sockaddr_storage = std::mem::zeroed();
        let mut len = std::mem::size_of::<libc::sockaddr_storage>() as libc::socklen_t;
        if libc::getsockname(fd, &mut addr as *mut _ as *mut libc::sockaddr, &mut len) != 0 {
            return false;
        }
        let bound_port = match addr.ss_family as libc::c_int {
            libc::AF_INET => {
                u16::from_be((*(&addr as *const _ as *const libc::sockaddr_in)).sin_port)
            }
            libc::AF_INET6 => {
                u16::from_be((*(&addr as *const _ as *const libc::sockaddr_in6)).sin6_port)
            }
            _ => return false,
        };
        let mut accepting: libc::c_int = 0;
        let mut optlen = std::mem::size_of::<libc::c_int>() as libc::socklen_t;
        let ok = libc::getsockopt(
            fd,
            libc::SOL_SOCKET,
            libc::SO_ACCEPTCONN,
            &mut accepting as *mut _ as *mut libc::c_void,
            &mut optlen,
        ) == 0;
        bound_port == port && ok && accepting == 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::fd::AsRawFd;

    #[test]
    fn parses_the_go_plugin_handshake_line() {
        assert_eq!(
            handshake_port(b"1|6|tcp|127.0.0.1:41234|grpc|MIIB"),
            Some(41234)
        );
        assert_eq!(handshake_port(b"1|6|unix|/tmp/x|grpc|"), None);
        assert_eq!(handshake_port(b"hello"), None);
    }

    #[test]
    fn accepted_sockets_inherit_nodelay_from_the_listener() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        assert!(set_nodelay_on_listener(port));
        let _client = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
        let (accepted, _) = listener.accept().unwrap();
        assert!(accepted.nodelay().unwrap());
        let _ = listener.as_raw_fd();
    }

    #[test]
    fn without_the_fix_accepted_sockets_lack_nodelay() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let _client = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
        let (accepted, _) = listener.accept().unwrap();
        assert!(!accepted.nodelay().unwrap());
    }
}
