//! `kinescope serve` as a user starts it: the first line names the address, and a port already in
//! use is a clear error naming the port.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start(port: &str) -> (Server, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_kinescope"))
        .args(["serve", "--port", port, "--tls-port", "0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let mut first_line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first_line)
        .unwrap();
    (Server(child), first_line.trim().to_owned())
}

#[test]
fn serve_prints_its_address_and_refuses_a_port_in_use() {
    let (_server, first_line) = start("0");
    let address = first_line
        .strip_prefix("listening on http://")
        .expect(&first_line);
    let port = address.rsplit(':').next().unwrap();
    assert!(port.parse::<u16>().unwrap() > 0);
    let second = Command::new(env!("CARGO_BIN_EXE_kinescope"))
        .args(["serve", "--port", port])
        .output()
        .unwrap();
    assert!(!second.status.success());
    let stderr = String::from_utf8_lossy(&second.stderr);
    assert!(
        stderr.contains(&format!("port {port} on 127.0.0.1 is already in use")),
        "{stderr}"
    );
}

#[test]
fn bad_options_are_explained() {
    let out = Command::new(env!("CARGO_BIN_EXE_kinescope"))
        .args(["serve", "--throttle", "sometimes"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("is not faithful, unthrottled or fault:PROBABILITY")
    );
}
