//! A throwaway PostgreSQL cluster standing for Redshift: `initdb` in a temporary directory, the
//! server on a free port with password authentication, stopped and removed when dropped. As root
//! (CI), the cluster runs as the `postgres` user the Debian package creates, since PostgreSQL
//! refuses to run as root.

use std::path::PathBuf;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

pub const USER: &str = "loader";
pub const PASSWORD: &str = "loader-secret";
pub const DATABASE: &str = "dev";

pub struct Postgres {
    pub port: u16,
    dir: PathBuf,
    bin: PathBuf,
    as_postgres_user: bool,
}

/// The newest server's binaries (Debian keeps them out of PATH, under /usr/lib/postgresql/N/bin).
fn server_binaries() -> PathBuf {
    let mut found: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let version = e.file_name().to_str()?.parse().ok()?;
            let bin = e.path().join("bin");
            bin.join("initdb").exists().then_some((version, bin))
        })
        .collect();
    found.sort();
    found
        .pop()
        .map(|(_, bin)| bin)
        .expect("PostgreSQL's server is not installed: `make test` installs the postgresql package")
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap()
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.trim_ascii() == b"0")
}

impl Postgres {
    /// Starts a cluster with [`USER`] (password [`PASSWORD`]) and a database [`DATABASE`].
    pub fn start() -> Postgres {
        static COUNT: AtomicUsize = AtomicUsize::new(0);
        let n = COUNT.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("kinescope-pg-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("password"), PASSWORD).unwrap();
        let as_postgres_user = is_root();
        if as_postgres_user {
            let owned = Command::new("chown")
                .args(["-R", "postgres:"])
                .arg(&dir)
                .status()
                .unwrap();
            assert!(owned.success(), "chown of {}", dir.display());
        }
        let postgres = Postgres {
            port: free_port(),
            dir,
            bin: server_binaries(),
            as_postgres_user,
        };
        let data = postgres.dir.join("data");
        postgres
            .run(
                "initdb",
                &[
                    "-D".as_ref(),
                    data.as_os_str(),
                    "-U".as_ref(),
                    USER.as_ref(),
                    format!("--pwfile={}", postgres.dir.join("password").display()).as_ref(),
                    "--auth=scram-sha-256".as_ref(),
                    "--encoding=UTF8".as_ref(),
                    "--locale=C".as_ref(),
                    "--no-sync".as_ref(),
                ],
            )
            .unwrap();
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off",
            postgres.port,
            postgres.dir.display()
        );
        postgres
            .run(
                "pg_ctl",
                &[
                    "-D".as_ref(),
                    data.as_os_str(),
                    "-l".as_ref(),
                    postgres.dir.join("log").as_os_str(),
                    "-o".as_ref(),
                    options.as_ref(),
                    "-w".as_ref(),
                    "-t".as_ref(),
                    "60".as_ref(),
                    "start".as_ref(),
                ],
            )
            .unwrap();
        let mut admin = postgres.connect("postgres");
        admin
            .batch_execute(&format!("CREATE DATABASE {DATABASE}"))
            .unwrap();
        postgres
    }

    fn run(&self, program: &str, args: &[&std::ffi::OsStr]) -> Result<(), String> {
        let path = self.bin.join(program);
        let mut command = if self.as_postgres_user {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(&path);
            c
        } else {
            Command::new(&path)
        };
        let output = command
            .args(args)
            .current_dir(&self.dir)
            .output()
            .map_err(|e| format!("{program}: {e}"))?;
        if output.status.success() {
            return Ok(());
        }
        Err(format!(
            "{program} failed: {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ))
    }

    /// A connection to `database` as [`USER`].
    pub fn connect(&self, database: &str) -> postgres::Client {
        let url = format!(
            "host=127.0.0.1 port={} user={USER} password={PASSWORD} dbname={database}",
            self.port
        );
        postgres::Client::connect(&url, postgres::NoTls).unwrap()
    }

    /// Runs `sql` in [`DATABASE`].
    pub fn execute(&self, sql: &str) {
        self.connect(DATABASE).batch_execute(sql).unwrap();
    }

    /// `jdbc:redshift://127.0.0.1:PORT/dev`.
    pub fn jdbc_url(&self) -> String {
        format!("jdbc:redshift://127.0.0.1:{}/{DATABASE}", self.port)
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        let data = self.dir.join("data");
        self.run(
            "pg_ctl",
            &[
                "-D".as_ref(),
                data.as_os_str(),
                "-m".as_ref(),
                "immediate".as_ref(),
                "stop".as_ref(),
            ],
        )
        .ok();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
