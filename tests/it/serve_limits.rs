//! The server's resources stay bounded whatever clients do: slow and idle connections are closed, connections
//! over the cap are told to come back, and a stop ends in bounded time even with a half-sent request.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::Command;
use std::time::{Duration, Instant};

use crate::common::Server;

/// Reads until the server closes `stream` or `limit` passes; whether it closed it, and after how long.
fn closed_within(stream: &mut TcpStream, limit: Duration) -> (bool, Duration) {
    let start = Instant::now();
    stream.set_read_timeout(Some(Duration::from_millis(200))).unwrap();
    let mut buffer = [0u8; 4096];
    while start.elapsed() < limit {
        match stream.read(&mut buffer) {
            Ok(0) => return (true, start.elapsed()),
            Ok(_) => {}
            Err(e) if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) => {}
            Err(_) => return (true, start.elapsed()),
        }
    }
    (false, start.elapsed())
}

#[test]
fn slow_and_idle_connections_are_closed() {
    let server = Server::start(None);
    let addr = server.base.trim_start_matches("http://").to_string();
    let mut idle = TcpStream::connect(&addr).unwrap();
    let mut slow = TcpStream::connect(&addr).unwrap();
    // Slowloris: a header byte every half second, never finishing the head.
    slow.write_all(b"GET /ogc HTTP/1.1\r\nHost: x\r\nX-Slow: ").unwrap();
    let dripping = std::thread::spawn(move || {
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(20) {
            if slow.write_all(b"a").is_err() {
                return (true, start.elapsed());
            }
            std::thread::sleep(Duration::from_millis(500));
        }
        (false, start.elapsed())
    });
    let (closed, after) = closed_within(&mut idle, Duration::from_secs(20));
    assert!(closed, "an idle connection stayed open {after:?}");
    let (closed, after) = dripping.join().unwrap();
    assert!(closed, "a slowly sent header kept its connection open {after:?}");
    assert!(after < Duration::from_secs(16), "closed only after {after:?}");
    // The server still answers.
    let mut fresh = TcpStream::connect(&addr).unwrap();
    write!(fresh, "GET /ogc/conformance HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").unwrap();
    let mut answer = String::new();
    fresh.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
}

#[test]
fn connections_over_the_cap_are_answered_503_and_normal_clients_get_through_once_idle_ones_are_closed() {
    // 120 descriptors: room for 56 client connections.
    let mut cmd = Command::new("sh");
    cmd.args(["-c", "ulimit -n 120 && exec \"$0\" serve --addr 127.0.0.1:0 --quiet", env!("CARGO_BIN_EXE_borderline")]);
    let server = Server::spawn(cmd);
    let addr = server.base.trim_start_matches("http://").to_string();
    let idle: Vec<TcpStream> = (0..80).filter_map(|_| TcpStream::connect(&addr).ok()).collect();
    std::thread::sleep(Duration::from_millis(500));
    let mut refused = 0;
    for mut stream in idle.iter().map(|s| s.try_clone().unwrap()) {
        stream.set_read_timeout(Some(Duration::from_millis(50))).unwrap();
        let mut head = [0u8; 32];
        if let Ok(n) = stream.read(&mut head)
            && head[..n].starts_with(b"HTTP/1.1 503")
        {
            refused += 1;
        }
    }
    assert!(refused >= 10, "only {refused} of 80 connections over a cap of 56 were told to come back");
    // The idle ones are closed within the header timeout; then a normal client is served.
    let start = Instant::now();
    loop {
        let mut fresh = TcpStream::connect(&addr).unwrap();
        // A connection still over the cap may be answered 503 and reset before the request is written.
        let sent = write!(fresh, "GET /ogc/conformance HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
        let mut answer = String::new();
        if sent.is_ok() {
            let _ = fresh.read_to_string(&mut answer);
        }
        if answer.starts_with("HTTP/1.1 200") {
            break;
        }
        assert!(start.elapsed() < Duration::from_secs(20), "no normal client served in 20 s: {answer}");
        std::thread::sleep(Duration::from_millis(500));
    }
    drop(idle);
}

#[test]
fn sigterm_stops_the_server_in_bounded_time_even_with_a_half_sent_request() {
    let mut server = Server::start(None);
    let addr = server.base.trim_start_matches("http://").to_string();
    let mut half = TcpStream::connect(&addr).unwrap();
    half.write_all(b"GET /ogc HTTP/1.1\r\nHost: x\r\n").unwrap();
    std::thread::sleep(Duration::from_millis(200));
    let pid = server.child.id().to_string();
    let start = Instant::now();
    assert!(Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
    loop {
        if let Some(status) = server.child.try_wait().unwrap() {
            assert!(status.success(), "exit status {status}");
            break;
        }
        assert!(start.elapsed() < Duration::from_secs(12), "still running {:?} after SIGTERM", start.elapsed());
        std::thread::sleep(Duration::from_millis(100));
    }
    drop(half);
}
