//! The container image of a deployment: a Dockerfile that builds this very
//! wasmprep (its source revision, `--locked`) in a build stage on the
//! image's own base, so it links the MPI library the nodes run, and checks
//! the result says the expected `--version` before anything runs it.

/// Where the image's wasmprep comes from.
#[derive(Clone, Debug, PartialEq)]
pub struct Source {
    /// A git repository of wasmprep.
    pub repo: String,
    /// The commit (or tag) to build.
    pub rev: String,
    /// What `wasmprep --version` must print, when known (the rev is this
    /// build's own).
    pub version_line: Option<String>,
}

/// The repository `Source::of_this_build` names unless told otherwise.
pub const DEFAULT_REPO: &str = "https://github.com/wasmprep/wasmprep";

/// The Rust toolchain the image builds with (the one wasmprep is tested on).
pub const RUST_TOOLCHAIN: &str = "1.95.0";

impl Source {
    /// This wasmprep: its revision when built from git, else the tag of its
    /// version (`v0.1.0`). `repo` and `rev` override.
    pub fn of_this_build(repo: Option<String>, rev: Option<String>) -> Source {
        let own = crate::version::REVISION.map(String::from);
        let version_line = match (&rev, &own) {
            (None, _) => Some(format!("wasmprep {}", crate::version::LINE)),
            (Some(r), Some(own)) if r == own => Some(format!("wasmprep {}", crate::version::LINE)),
            _ => None,
        };
        let rev = rev
            .or(own)
            .unwrap_or_else(|| format!("v{}", crate::version::VERSION));
        Source {
            repo: repo.unwrap_or_else(|| DEFAULT_REPO.to_string()),
            rev,
            version_line,
        }
    }
}

/// What differs between images.
pub struct Image<'a> {
    /// Base of both stages (the runtime's libraries must match the build's).
    pub base: &'a str,
    /// Debian/Ubuntu packages the build stage adds to the base.
    pub build_packages: &'a [&'a str],
    /// Packages the final stage adds.
    pub runtime_packages: &'a [&'a str],
    /// Lines appended to the final stage.
    pub tail: &'a str,
}

/// The packages any build stage needs besides MPI.
pub const BUILD_PACKAGES: &[&str] = &[
    "build-essential",
    "clang",
    "libclang-dev",
    "pkg-config",
    "git",
    "curl",
    "ca-certificates",
];

/// The Dockerfile, with `header` (comment lines) first.
pub fn dockerfile(header: &str, image: &Image<'_>, source: &Source) -> String {
    let mut out = String::from(header);
    out += &format!("ARG BASE={}\n\n", image.base);
    out += "FROM $BASE AS build\n";
    out += &apt_install(image.build_packages);
    out += &format!(
        "RUN curl -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal --default-toolchain {RUST_TOOLCHAIN}\n\
         ENV PATH=/root/.cargo/bin:$PATH\n\
         # wasmprep at the revision that generated this file, with its locked dependencies.\n\
         RUN git clone --filter=blob:none {} /src \\\n \
         && git -C /src checkout --detach {} \\\n \
         && cargo build --release --locked -p wasmprep --manifest-path /src/Cargo.toml \\\n \
         && install /src/target/release/wasmprep /usr/local/bin/wasmprep\n",
        source.repo, source.rev
    );
    out += &match &source.version_line {
        Some(line) => format!("RUN test \"$(wasmprep --version)\" = \"{line}\"\n"),
        None => "RUN wasmprep --version\n".to_string(),
    };
    out += "\nFROM $BASE\n";
    if !image.runtime_packages.is_empty() {
        out += &apt_install(image.runtime_packages);
    }
    out += "COPY --from=build /usr/local/bin/wasmprep /usr/local/bin/wasmprep\n";
    out += image.tail;
    out
}

fn apt_install(packages: &[&str]) -> String {
    format!(
        "RUN apt-get update \\\n \
         && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \\\n      {} \\\n \
         && rm -rf /var/lib/apt/lists/*\n",
        packages.join(" ")
    )
}
