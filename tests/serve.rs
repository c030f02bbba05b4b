//! `lwsim serve` (issue 17): the JSON API gives the numbers of `lwsim run`, every bad request is
//! a 4xx JSON error with the CLI's message, the server survives a crowd, and the command line
//! prints the URL and stops on Ctrl-C. The page itself is tested in a browser in `serve_page`.

use crate::util::*;
use serde_json::{Value, json};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;

/// Start a server on a free port of 127.0.0.1 with the shipped scenarios, in this process; it
/// runs until the test binary ends.
pub fn start() -> SocketAddr {
    start_with(|_| {})
}

/// [`start`] with the options changed by `change`.
pub fn start_with(change: impl FnOnce(&mut lwsim::serve::Options) + Send + 'static) -> SocketAddr {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut options = lwsim::serve::Options {
            bind: std::net::Ipv4Addr::LOCALHOST.into(),
            port: 0,
            scenarios: root().join("scenarios"),
            threads: 0,
            limits: lwsim::serve::Limits::default(),
            max_work: lwsim::serve::MAX_WORK,
            max_seconds: lwsim::serve::MAX_SECONDS,
        };
        change(&mut options);
        let served = lwsim::serve::serve_until(&options, |a| tx.send(a).unwrap(), std::future::pending());
        panic!("the server stopped: {served:?}");
    });
    rx.recv().expect("the server listens")
}

/// One HTTP/1.1 request with a JSON body; returns the status and the body.
pub fn request(addr: SocketAddr, method: &str, path: &str, body: Option<&[u8]>) -> (u16, String) {
    let headers = format!("Host: {addr}\r\nContent-Type: application/json\r\n");
    raw(addr, method, path, &headers, body.unwrap_or(b""))
}

/// One HTTP/1.1 request with the headers given (each line ending in CRLF).
pub fn raw(addr: SocketAddr, method: &str, path: &str, headers: &str, body: &[u8]) -> (u16, String) {
    let mut stream = TcpStream::connect(addr).expect("connect");
    let head = format!(
        "{method} {path} HTTP/1.1\r\n{headers}Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    // The server may answer (413) before reading all of a large body: a failed write is fine.
    let _ = stream.write_all(head.as_bytes()).and_then(|_| stream.write_all(body));
    let mut raw = Vec::new();
    let _ = stream.read_to_end(&mut raw);
    let text = String::from_utf8_lossy(&raw).into_owned();
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no HTTP status in {text:?}"));
    let body = text.split_once("\r\n\r\n").map_or("", |(_, b)| b).to_string();
    (status, body)
}

pub fn post(addr: SocketAddr, path: &str, body: &Value) -> (u16, Value) {
    let (status, text) = request(addr, "POST", path, Some(body.to_string().as_bytes()));
    let value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: not JSON ({e}): {text}"));
    (status, value)
}

/// `lwsim run` in a temporary folder, quietly; returns its results folder.
fn cli_run(tmp: &Path, args: &[&str]) -> std::path::PathBuf {
    let out = tmp.join("out");
    let mut all = vec!["run"];
    all.extend(args);
    all.extend(["--out", out.to_str().unwrap(), "--quiet"]);
    let o = lwsim(&all);
    assert!(o.status.success(), "{}", stderr(&o));
    out
}

fn json_file(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

/// A CSV number as the API writes it (JSON has no NaN: serde_json writes null).
fn csv_number(s: &str) -> Value {
    let v: f64 = s.parse().unwrap();
    if v.is_nan() { Value::Null } else { json!(v) }
}

/// monthly.csv's rows are the API's `monthly`, value for value.
fn assert_monthly_equal(csv_path: &Path, api: &Value) {
    let mut reader = csv::Reader::from_path(csv_path).unwrap();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let api = api.as_array().unwrap();
    assert_eq!(rows.len(), api.len());
    for (row, a) in rows.iter().zip(api) {
        assert_eq!(a["month"], json!(row[0].parse::<u32>().unwrap()));
        assert_eq!(a["measure"], json!(&row[1]));
        for (i, field) in ["mean", "sd", "p05", "p50", "p95"].iter().enumerate() {
            assert_eq!(
                a[field],
                csv_number(&row[i + 2]),
                "{} month {} {field}",
                &row[1],
                &row[0]
            );
        }
    }
}

#[test]
fn a_run_gives_exactly_the_numbers_of_lwsim_run() {
    let addr = start();
    let (status, api) = post(
        addr,
        "/api/run",
        &json!({"scenario": "deep-end-baseline", "set": {"funding.annual_cut": 0.2, "practices.gp_buy_in.mean": 0.6},
                "replicates": 24, "seed": 7}),
    );
    assert_eq!(status, 200, "{api}");
    let tmp = tempfile::tempdir().unwrap();
    let base = scenario("deep-end-baseline.toml");
    let out = cli_run(
        tmp.path(),
        &[
            base.to_str().unwrap(),
            "--set",
            "funding.annual_cut=0.2",
            "--set",
            "practices.gp_buy_in.mean=0.6",
            "-r",
            "24",
            "-s",
            "7",
        ],
    );
    assert_eq!(api["summary"], json_file(&out.join("summary.json")));
    assert_eq!(api["summary"]["replicates"], json!(24));
    assert_monthly_equal(&out.join("monthly.csv"), &api["monthly"]);
}

#[test]
fn a_comparison_gives_the_effects_of_lwsim_run_and_an_uploaded_file_runs_like_its_file() {
    let addr = start();
    let tmp = tempfile::tempdir().unwrap();
    let cut = "extends = \"deep-end-baseline.toml\"\nname = \"cut-20\"\n[funding]\nannual_cut = 0.2\n";
    // The CLI reads the same text from a file beside the shipped scenarios' copy.
    let dir = tmp.path().join("scenarios");
    std::fs::create_dir(&dir).unwrap();
    std::fs::copy(scenario("deep-end-baseline.toml"), dir.join("deep-end-baseline.toml")).unwrap();
    let cut_file = write(&dir, "cut-20.toml", cut);
    let (status, api) = post(
        addr,
        "/api/compare",
        &json!({"reference": {"scenario": "deep-end-baseline"}, "scenario": {"toml": cut},
                "replicates": 30, "seed": 3}),
    );
    assert_eq!(status, 200, "{api}");
    let out = cli_run(
        tmp.path(),
        &[
            dir.join("deep-end-baseline.toml").to_str().unwrap(),
            cut_file.to_str().unwrap(),
            "-r",
            "30",
            "-s",
            "3",
        ],
    );
    assert_eq!(
        api["reference"]["summary"],
        json_file(&out.join("deep-end-baseline/summary.json"))
    );
    assert_eq!(api["scenario"]["summary"], json_file(&out.join("cut-20/summary.json")));
    assert_monthly_equal(&out.join("cut-20/monthly.csv"), &api["scenario"]["monthly"]);
    let mut reader = csv::Reader::from_path(out.join("comparison/effects.csv")).unwrap();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let effects = api["effects"].as_array().unwrap();
    assert_eq!(rows.len(), effects.len());
    assert!(rows.len() >= 10);
    for (row, e) in rows.iter().zip(effects) {
        assert_eq!(&row[0], "cut-20");
        assert_eq!(e["measure"], json!(&row[1]));
        for (i, field) in ["mean", "p05", "p95", "se", "mean_lo", "mean_hi"].iter().enumerate() {
            assert_eq!(e[field], csv_number(&row[i + 2]), "{} {field}", &row[1]);
        }
    }
    // A 20% cut a year lowers the share of patients connected: the effect has a sign.
    let connected = effects.iter().find(|e| e["measure"] == "share_connected").unwrap();
    assert!(connected["mean"].as_f64().unwrap() < 0.0, "{connected}");

    // The same change as a named scenario with "set" gives the same numbers as the upload.
    let (status, named) = post(
        addr,
        "/api/run",
        &json!({"scenario": "deep-end-baseline", "set": {"funding.annual_cut": 0.2, "name": "cut-20"},
                "replicates": 30, "seed": 3}),
    );
    assert_eq!(status, 200);
    assert_eq!(named["summary"], api["scenario"]["summary"]);
}

#[test]
fn the_resolved_scenario_reproduces_the_run_through_lwsim_run() {
    let addr = start();
    let request =
        json!({"scenario": "austerity", "set": {"link_workers.caseload_cap": 25}, "replicates": 12, "seed": 5});
    let (status, resolved) = post(addr, "/api/resolve", &request);
    assert_eq!(status, 200, "{resolved}");
    assert_eq!(resolved["values"]["link_workers.caseload_cap"], json!(25));
    assert_eq!(resolved["values"]["simulation.replicates"], json!(12));
    let tmp = tempfile::tempdir().unwrap();
    let file = write(tmp.path(), "downloaded.toml", resolved["toml"].as_str().unwrap());
    let out = cli_run(tmp.path(), &[file.to_str().unwrap()]);
    let (status, api) = post(addr, "/api/run", &request);
    assert_eq!(status, 200);
    assert_eq!(api["summary"], json_file(&out.join("summary.json")));
}

#[test]
fn scenarios_and_keys_are_listed() {
    let addr = start();
    let (status, body) = request(addr, "GET", "/api/scenarios", None);
    assert_eq!(status, 200);
    let names: Vec<String> = serde_json::from_str(&body).unwrap();
    assert!(names.contains(&"deep-end-baseline".to_string()), "{names:?}");
    assert!(names.iter().all(|n| !n.contains('/') && n != "sweeps"), "{names:?}");
    let (status, body) = request(addr, "GET", "/api/keys", None);
    assert_eq!(status, 200);
    let keys: Vec<Value> = serde_json::from_str(&body).unwrap();
    assert_eq!(keys.len(), lwsim::scenario::params::SPECS.len());
    let cut = keys.iter().find(|k| k["key"] == "funding.annual_cut").unwrap();
    assert_eq!(
        (&cut["default"], &cut["min"], &cut["max"], &cut["unit"]),
        (&json!(0.0), &json!(0.0), &json!(1.0), &json!("share 0..1"))
    );
    assert!(cut["meaning"].as_str().unwrap().contains("cut"));
    let (status, page) = request(addr, "GET", "/", None);
    assert_eq!(status, 200);
    assert!(page.contains("<script src=\"/app.js\">") && !page.contains("http://") && !page.contains("https://"));
}

#[test]
fn the_page_is_told_the_declared_figures_and_measures_it_shows() {
    use lwsim::observe::WEEKLY;
    use lwsim::summary::{FIGURES, Unit};
    let addr = start();
    let (status, body) = request(addr, "GET", "/api/figures", None);
    assert_eq!(status, 200, "{body}");
    let answer: Value = serde_json::from_str(&body).unwrap();
    // The integration chart's measure is the declared share of practices belonging.
    assert_eq!(answer["integration"], lwsim::observe::weekly("integration_rate").name);
    // Every headline figure once, with its declared explorer label and unit.
    let headline = answer["headline"].as_array().unwrap();
    assert_eq!(headline.len(), FIGURES.len());
    for f in FIGURES {
        let rows: Vec<&Value> = headline.iter().filter(|r| r["name"] == f.name).collect();
        let unit = match f.unit {
            Unit::Percent => "percent",
            Unit::Number => "number",
            Unit::Pounds => "pounds",
        };
        assert_eq!(rows.len(), 1, "{}", f.name);
        assert_eq!(
            (&rows[0]["label"], &rows[0]["unit"]),
            (&json!(f.explorer), &json!(unit))
        );
    }
    assert_eq!(
        headline[0],
        json!({"name": "integration_rate_24m", "label": "Practices fully integrated at 24 months",
               "unit": "percent", "main": true})
    );
    let main: Vec<&str> = headline
        .iter()
        .filter(|r| r["main"] == true)
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        main,
        [
            "integration_rate_24m",
            "integration_rate_60m",
            "share_connected",
            "share_not_engaged",
            "share_dropped_out",
            "share_unmet_need",
            "lw_turnover_per_year",
            "cost_per_connected"
        ]
    );
    // The stages and capacity charts' measures, with their declared labels and units.
    assert_eq!(
        answer["stages"],
        json!([{"measure": "bolted_on", "label": "bolted on"}, {"measure": "fitting_in", "label": "fitting in"},
               {"measure": "belonging", "label": "belonging"}])
    );
    assert_eq!(
        answer["capacity"],
        json!([
            {"measure": "mean_caseload", "title": "Active cases per link-worker post", "unit": "patients per post", "count": false},
            {"measure": "waiting", "title": "Patients waiting for a link worker", "unit": "patients", "count": true},
            {"measure": "org_room", "title": "Places free for referrals", "unit": "places", "count": true},
            {"measure": "org_closed", "title": "Organisations closed", "unit": "organisations", "count": true},
        ])
    );
    for c in answer["capacity"].as_array().unwrap() {
        let m = WEEKLY.iter().find(|m| m.name == c["measure"]).unwrap();
        assert_eq!((&c["unit"], &c["count"]), (&json!(m.unit), &json!(m.integer)));
    }
    // It is read, not written, and has nothing below it.
    let (status, body) = request(addr, "POST", "/api/figures", Some(b"{}"));
    assert_eq!(status, 405, "{body}");
    assert!(body.starts_with("{\"error\":"), "{body}");
    assert!(
        body.contains("/api/figures are GET"),
        "the 405 names the endpoint's method: {body}"
    );
    let (status, body) = request(addr, "GET", "/api/figures/integration_rate_24m", None);
    assert_eq!(status, 404, "{body}");
    assert!(body.starts_with("{\"error\":\"nothing at"), "{body}");
}

/// The message `lwsim run` prints for these arguments (after "error: ").
fn cli_message(args: &[&str]) -> String {
    let mut all = vec!["run"];
    all.extend(args);
    all.extend(["--out", "/nonexistent/never-written", "--quiet"]);
    let o = lwsim(&all);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    stderr(&o).trim_end().strip_prefix("error: ").unwrap().to_string()
}

#[test]
fn every_bad_request_is_a_4xx_with_a_json_error_and_the_clis_message() {
    let addr = start();
    let base = scenario("deep-end-baseline.toml");
    let base = base.to_str().unwrap();
    // The CLI's own words for an unknown key and a value out of range.
    for (set, value) in [("practices.cont", json!(3)), ("funding.annual_cut", json!(1.5))] {
        let (status, body) = post(
            addr,
            "/api/run",
            &json!({"scenario": "deep-end-baseline", "set": {set: value}}),
        );
        assert_eq!(status, 400, "{body}");
        let cli = cli_message(&[base, "--set", &format!("{set}={value}")]);
        assert_eq!(
            body["error"].as_str().unwrap(),
            cli.replace(base, "scenarios/deep-end-baseline.toml")
        );
    }
    let (status, body) = post(
        addr,
        "/api/run",
        &json!({"scenario": "deep-end-baseline", "replicates": 0}),
    );
    assert_eq!(
        (status, body["error"].as_str().unwrap()),
        (400, cli_message(&[base, "-r", "0"]).as_str())
    );
    let mut cases: Vec<(Value, u16, &str)> = vec![
        (json!({}), 400, "expected \"scenario\""),
        (
            json!({"scenario": "deep-end-baseline", "toml": "name = \"x\""}),
            400,
            "found both",
        ),
        (json!({"scenario": "deep-end"}), 400, "no scenario named \"deep-end\""),
        (json!({"scenario": "../Cargo"}), 400, "no scenario named"),
        (
            json!({"scenario": "deep-end-baseline", "colour": 1}),
            400,
            "unknown field `colour`",
        ),
        (json!({"toml": "name = \n"}), 400, "uploaded.toml:1:"),
        (
            json!({"toml": "extends = \"../Cargo.toml\"\n"}),
            400,
            "expected the name of a file in the scenarios folder",
        ),
        (
            json!({"toml": "extends = \"/etc/passwd\"\n"}),
            400,
            "expected the name of a file in the scenarios folder",
        ),
        (
            json!({"toml": "extends = \"sweeps\"\n"}),
            400,
            "expected the name of a file in the scenarios folder",
        ),
        (
            json!({"scenario": "deep-end-baseline", "set": {"extends": "/etc/passwd"}}),
            400,
            "can be set only in a scenario file",
        ),
        (
            json!({"scenario": "deep-end-baseline", "replicates": 100000}),
            400,
            "too much work for one request",
        ),
        (
            json!({"scenario": "england-pcn", "replicates": 100}),
            400,
            "too much work for one request",
        ),
    ];
    cases.push((
        json!({"scenario": "deep-end-baseline", "seed": -1}),
        400,
        "malformed request",
    ));
    for (body, want, message) in cases {
        let (status, answer) = post(addr, "/api/run", &body);
        assert_eq!(status, want, "{body} -> {answer}");
        let error = answer["error"].as_str().unwrap_or_else(|| panic!("{body} -> {answer}"));
        assert!(error.contains(message), "{body} -> {error}");
    }
    // Compared scenarios must have the same length.
    let (status, answer) = post(
        addr,
        "/api/compare",
        &json!({"reference": {"scenario": "deep-end-baseline"},
                "scenario": {"scenario": "deep-end-baseline", "set": {"simulation.weeks": 52}}, "replicates": 2}),
    );
    assert_eq!(status, 400);
    assert!(answer["error"].as_str().unwrap().contains("same horizon"), "{answer}");
    // Not JSON, too large, a wrong method, a path that is not served.
    let (status, body) = request(addr, "POST", "/api/run", Some(b"{\"scenario\": "));
    assert_eq!(status, 400);
    assert!(body.contains("\"error\":\"malformed request"), "{body}");
    let big = format!("{{\"toml\": \"{}\"}}", "#".repeat(1 << 20));
    let (status, body) = request(addr, "POST", "/api/run", Some(big.as_bytes()));
    assert_eq!(status, 413, "{body}");
    assert!(body.contains("request body over 1,048,576 bytes"), "{body}");
    // Another page's requests: a body that is not declared JSON (a browser sends those across
    // sites without asking), a Host that is not this machine (DNS rebinding).
    let good = br#"{"scenario": "deep-end-baseline", "replicates": 2}"#;
    let (status, body) = raw(
        addr,
        "POST",
        "/api/run",
        &format!("Host: {addr}\r\nContent-Type: text/plain\r\n"),
        good,
    );
    assert_eq!(status, 415, "{body}");
    assert!(body.contains("expected a JSON body"), "{body}");
    let (status, body) = raw(addr, "GET", "/api/scenarios", "Host: attacker.example:8080\r\n", b"");
    assert_eq!(status, 403, "{body}");
    assert!(body.contains("addressed to this machine"), "{body}");
    for host in [
        format!("localhost:{}", addr.port()),
        "127.0.0.1".to_string(),
        format!("[::1]:{}", addr.port()),
    ] {
        let (status, body) = raw(addr, "GET", "/api/scenarios", &format!("Host: {host}\r\n"), b"");
        assert_eq!(status, 200, "{host}: {body}");
    }
    let (status, body) = request(addr, "GET", "/api/run", None);
    assert_eq!(status, 405);
    assert!(body.starts_with("{\"error\":"), "{body}");
    for path in [
        "/scenarios/deep-end-baseline.toml",
        "/../Cargo.toml",
        "/%2e%2e/Cargo.toml",
        "/app.js/x",
        "/api/nothing",
    ] {
        let (status, body) = request(addr, "GET", path, None);
        assert_eq!(status, 404, "{path}: {body}");
        assert!(body.starts_with("{\"error\":\"nothing at"), "{path}: {body}");
    }
    // After all that, the server still answers.
    let (status, _) = request(addr, "GET", "/api/keys", None);
    assert_eq!(status, 200);
}

#[test]
fn sixteen_concurrent_runs_are_answered_or_turned_away_and_the_server_goes_on() {
    let addr = start();
    let body = json!({"scenario": "deep-end-baseline", "replicates": 40, "seed": 11});
    let answers: Vec<(u16, Value)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..16).map(|_| s.spawn(|| post(addr, "/api/run", &body))).collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let ok: Vec<&Value> = answers.iter().filter(|(s, _)| *s == 200).map(|(_, v)| v).collect();
    let busy = answers.iter().filter(|(s, _)| *s == 503).count();
    assert_eq!(ok.len() + busy, 16, "{answers:?}");
    // 2 running and 8 waiting are served; the rest may be turned away with a clear message.
    assert!(ok.len() >= 10, "only {} of 16 answered", ok.len());
    assert!(ok.iter().all(|v| v["summary"] == ok[0]["summary"]));
    for (_, v) in answers.iter().filter(|(s, _)| *s == 503) {
        assert!(v["error"].as_str().unwrap().contains("the server is busy"), "{v}");
    }
    let (status, again) = post(addr, "/api/run", &body);
    assert_eq!(status, 200);
    assert_eq!(again["summary"], ok[0]["summary"]);

    // One at a time and one waiting: of 16 at once, most are turned away, at once.
    let addr = start_with(|o| {
        o.limits.running = 1;
        o.limits.queued = 1;
    });
    let body = json!({"scenario": "deep-end-baseline", "replicates": 600});
    let statuses: Vec<u16> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..16).map(|_| s.spawn(|| post(addr, "/api/run", &body).0)).collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let ok = statuses.iter().filter(|s| **s == 200).count();
    assert!(
        ok >= 2 && statuses.iter().all(|s| *s == 200 || *s == 503),
        "{statuses:?}"
    );
    assert!(ok < 16, "none turned away: {statuses:?}");
    assert_eq!(request(addr, "GET", "/api/scenarios", None).0, 200);
}

#[test]
fn a_request_that_runs_too_long_is_stopped_and_refused() {
    let addr = start_with(|o| o.max_seconds = 0.0);
    let (status, body) = post(
        addr,
        "/api/run",
        &json!({"scenario": "deep-end-baseline", "replicates": 50}),
    );
    assert_eq!(status, 400);
    assert!(
        body["error"]
            .as_str()
            .unwrap()
            .starts_with("stopped after 0 s: too much work"),
        "{body}"
    );
    let (status, _) = request(addr, "GET", "/api/keys", None);
    assert_eq!(status, 200);
}

/// `lwsim serve --port 0 --bind 0.0.0.0`: a warning, the URL on stdout, the page at that URL,
/// and exit 130 on Ctrl-C (SIGINT).
#[cfg(unix)]
#[test]
fn the_command_prints_the_url_warns_on_an_open_bind_and_stops_on_ctrl_c() {
    use std::io::BufRead;
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_lwsim"))
        .args(["serve", "--port", "0", "--bind", "0.0.0.0"])
        .current_dir(root())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .expect(&line)
        .to_string();
    let addr: SocketAddr = url.trim_start_matches("http://").trim_end_matches('/').parse().unwrap();
    assert!(addr.ip().is_loopback(), "{line}");
    assert_eq!(request(addr, "GET", "/", None).0, 200);
    let killed = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(130));
    let err = stderr(&out);
    assert!(
        err.contains("warning: listening on 0.0.0.0: anyone who can reach port"),
        "{err}"
    );
}

#[test]
fn a_taken_port_is_exit_1_and_a_missing_scenarios_folder_exit_2() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port().to_string();
    let o = lwsim(&["serve", "--port", &port]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains(&format!("error: cannot listen on 127.0.0.1:{port}")),
        "{}",
        stderr(&o)
    );
    let o = lwsim(&["serve", "--port", "0", "--scenarios", "no-such-folder"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("no-such-folder: expected the folder of scenario files"),
        "{}",
        stderr(&o)
    );
}
