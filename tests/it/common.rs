use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use borderline::Store;

/// The embedded data, loaded once for the whole test binary.
pub fn store() -> &'static Store {
    static STORE: OnceLock<Store> = OnceLock::new();
    STORE.get_or_init(|| Store::embedded().expect("embedded data must be valid"))
}

/// `tests/fixtures/...`
pub fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(rel)
}

/// A deterministic pseudo-random sequence (SplitMix64), so tests need no RNG crate and never flake.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [lo, hi).
    pub fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// A data directory holding `n` seeded random incidents around the Algeria–Mali border (other layers fall
/// back to the embedded ones).
pub fn random_incidents_dir(n: usize) -> tempfile::TempDir {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let mut f = std::io::BufWriter::new(std::fs::File::create(dir.path().join("incidents.geojson")).unwrap());
    let mut rng = Rng::new(77);
    writeln!(f, "{{\"type\":\"FeatureCollection\",\"features\":[").unwrap();
    let types = ["Battles", "Explosions/Remote violence", "Violence against civilians"];
    let subs = ["Armed clash", "Air/drone strike", "Attack"];
    for i in 0..n {
        let (lon, lat) = (rng.range(-6.0, 6.0), rng.range(17.0, 26.0));
        let year = 2012 + (rng.next_u64() % 14) as i32;
        let k = (rng.next_u64() % 3) as usize;
        let fatalities = rng.next_u64() % 20;
        let sep = if i + 1 < n { "," } else { "" };
        writeln!(
            f,
            r#"{{"type":"Feature","properties":{{"event_id_cnty":"R{i}","event_date":"{year}-06-01","event_type":"{}","sub_event_type":"{}","actor1":"Actor {k}","location":"x","country":"Mali","geo_precision":1,"fatalities":{fatalities},"source":"test"}},"geometry":{{"type":"Point","coordinates":[{lon},{lat}]}}}}{sep}"#,
            types[k], subs[k]
        )
        .unwrap();
    }
    writeln!(f, "]}}").unwrap();
    drop(f);
    dir
}

/// A running `borderline serve`, stopped when dropped.
pub struct Server {
    pub child: std::process::Child,
    /// `http://127.0.0.1:PORT`
    pub base: String,
}

impl Server {
    pub fn start(data: Option<&std::path::Path>) -> Server {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_borderline"));
        if let Some(dir) = data {
            cmd.arg("--data").arg(dir);
        }
        cmd.args(["serve", "--addr", "127.0.0.1:0", "--quiet"]);
        Server::spawn(cmd)
    }

    /// Runs `cmd`, which must start a `borderline serve` on `127.0.0.1:0`, and waits until it listens.
    pub fn spawn(mut cmd: std::process::Command) -> Server {
        let mut child = cmd
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("start borderline serve");
        let mut lines = std::io::BufRead::lines(std::io::BufReader::new(child.stdout.take().unwrap()));
        let base = loop {
            let line = lines.next().expect("server exited before printing its URLs").unwrap();
            if let Some(rest) = line.trim().strip_prefix("OGC API:") {
                break rest.split_whitespace().next().unwrap().trim_end_matches("/ogc").to_string();
            }
        };
        // Keep draining stdout so the server never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        Server { child, base }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One HTTP/1.1 exchange over a real socket: the status, the headers (names lower-case) and the body.
pub struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Answer {
    /// The value of header `name` (lower-case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    /// The body as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
}

/// Sends `method path` to `base` (`http://127.0.0.1:PORT`) with `headers` and `body`, and reads the answer.
pub fn http(base: &str, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> std::io::Result<Answer> {
    use std::io::{Read, Write};
    let addr = base.trim_start_matches("http://");
    let mut stream = std::net::TcpStream::connect(addr)?;
    stream.set_read_timeout(Some(std::time::Duration::from_secs(30)))?;
    let mut head =
        format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n", body.len());
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes())?;
    stream.write_all(body)?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw)?;
    let text = String::from_utf8_lossy(&raw).to_string();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let mut lines = head.lines();
    let status = lines.next().and_then(|l| l.split_whitespace().nth(1)).and_then(|s| s.parse().ok()).unwrap_or(0);
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect::<Vec<_>>();
    let chunked = headers.iter().any(|(n, v)| n == "transfer-encoding" && v.contains("chunked"));
    let body = if chunked { dechunk(body) } else { body.to_string() };
    Ok(Answer { status, headers, body })
}

fn dechunk(mut s: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = s.split_once("\r\n") {
        let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if n == 0 || rest.len() < n {
            break;
        }
        out.push_str(&rest[..n]);
        s = rest[n..].trim_start_matches("\r\n");
    }
    out
}

/// Adds a user to `dir` with the CLI and returns their token (the last line it prints).
pub fn add_user(dir: &std::path::Path, name: &str, role: &str) -> String {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_borderline"))
        .arg("--data")
        .arg(dir)
        .args(["users", "add", name, "--role", role])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap().lines().last().unwrap().trim().to_string()
}
