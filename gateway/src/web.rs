//! The web app's files (`--web DIR`, the `dist/` that `web/`'s `npm run build` writes), served
//! at `/` next to the API, so that the app and the owners' feed it reads share one origin (no
//! CORS, and the feed's `Authorization` header never leaves it).
//!
//! The directory is read once, at start, into memory: a built app is a few files of a few
//! hundred kilobytes, and a request can then only ever name one of them (no path from a URL
//! reaches the file system). Rebuilding the app needs a gateway restart.
//!
//! - `GET /` and any path that is not a file and not under `/v1/` serve `index.html` (the app
//!   routes in the browser);
//! - files under `assets/` carry a content hash in their names (Vite's), so they are cached
//!   for a year; everything else is revalidated.
//!
//! The few types Vite emits are mapped here rather than through a MIME crate: tower-http's
//! `fs` feature would change the features of the tower-http the node's RPC server compiles,
//! and so rebuild the node for six lines of table.

use axum::{
	body::Body,
	http::{header, HeaderValue, Method, StatusCode, Uri},
	response::{IntoResponse, Response},
};
use std::{
	collections::HashMap,
	path::{Path, PathBuf},
	sync::Arc,
};

/// The most bytes of app read into memory: a guard against `--web /`.
pub const MAX_APP_BYTES: u64 = 32 * 1024 * 1024;

/// One file of the app.
struct File {
	bytes: axum::body::Bytes,
	content_type: &'static str,
	immutable: bool,
}

/// The app's files, by URL path (`/index.html`, `/assets/index-abc123.js`).
#[derive(Clone)]
pub struct WebApp {
	files: Arc<HashMap<String, File>>,
}

/// Why the app could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum WebError {
	/// Reading the directory failed.
	#[error("reading the web app in {path}: {source}")]
	Io {
		/// The file or directory.
		path: PathBuf,
		/// The error.
		source: std::io::Error,
	},
	/// The directory has no `index.html` (not a built app).
	#[error("{0} has no index.html: build the app first (cd web && npm ci && npm run build)")]
	NoIndex(PathBuf),
	/// The directory holds more than [`MAX_APP_BYTES`].
	#[error("{0} holds more than {MAX_APP_BYTES} bytes: is it the app's dist/ directory?")]
	TooBig(PathBuf),
}

impl WebApp {
	/// Reads every file under `dir`.
	pub fn load(dir: &Path) -> Result<Self, WebError> {
		let mut files = HashMap::new();
		let mut total = 0u64;
		let mut pending = vec![dir.to_path_buf()];
		let io = |path: &Path| {
			let path = path.to_path_buf();
			move |source| WebError::Io { path, source }
		};
		while let Some(current) = pending.pop() {
			for entry in std::fs::read_dir(&current).map_err(io(&current))? {
				let entry = entry.map_err(io(&current))?;
				let path = entry.path();
				if entry.file_type().map_err(io(&path))?.is_dir() {
					pending.push(path);
					continue;
				}
				let bytes = std::fs::read(&path).map_err(io(&path))?;
				total = total.saturating_add(bytes.len() as u64);
				if total > MAX_APP_BYTES {
					return Err(WebError::TooBig(dir.to_path_buf()));
				}
				let Ok(relative) = path.strip_prefix(dir) else { continue };
				let url: Vec<_> =
					relative.components().map(|part| part.as_os_str().to_string_lossy()).collect();
				let url = format!("/{}", url.join("/"));
				let immutable = url.starts_with("/assets/");
				files.insert(
					url,
					File { bytes: bytes.into(), content_type: content_type(&path), immutable },
				);
			}
		}
		if !files.contains_key("/index.html") {
			return Err(WebError::NoIndex(dir.to_path_buf()));
		}
		Ok(Self { files: Arc::new(files) })
	}

	/// How many files the app has.
	pub fn len(&self) -> usize {
		self.files.len()
	}

	/// Whether the app has no file (never, once loaded).
	pub fn is_empty(&self) -> bool {
		self.files.is_empty()
	}

	/// The response to `GET`/`HEAD` `uri`: its file, or `index.html` for an app route.
	pub fn serve(&self, method: &Method, uri: &Uri) -> Option<Response> {
		if method != Method::GET && method != Method::HEAD {
			return None;
		}
		let path = uri.path();
		if path.starts_with("/v1/") {
			return None;
		}
		let file = self.files.get(path).or_else(|| {
			// A missing hashed asset is a stale page asking for an old build: a 404, not the
			// index (which the browser would try to run as a script).
			(!path.starts_with("/assets/")).then(|| self.files.get("/index.html")).flatten()
		})?;
		let cache = if file.immutable { "public, max-age=31536000, immutable" } else { "no-cache" };
		let body =
			if method == Method::HEAD { Body::empty() } else { Body::from(file.bytes.clone()) };
		Some(
			(
				StatusCode::OK,
				[
					(header::CONTENT_TYPE, HeaderValue::from_static(file.content_type)),
					(header::CACHE_CONTROL, HeaderValue::from_static(cache)),
					(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")),
				],
				body,
			)
				.into_response(),
		)
	}
}

/// The media type of a file Vite emits, by its extension.
fn content_type(path: &Path) -> &'static str {
	match path.extension().and_then(|ext| ext.to_str()).unwrap_or("") {
		"html" => "text/html; charset=utf-8",
		"js" | "mjs" => "text/javascript; charset=utf-8",
		"css" => "text/css; charset=utf-8",
		"json" | "map" => "application/json",
		"svg" => "image/svg+xml",
		"png" => "image/png",
		"ico" => "image/x-icon",
		"woff2" => "font/woff2",
		"wasm" => "application/wasm",
		"txt" => "text/plain; charset=utf-8",
		_ => "application/octet-stream",
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	fn app() -> (tempfile::TempDir, WebApp) {
		let dir = tempfile::tempdir().unwrap();
		std::fs::create_dir(dir.path().join("assets")).unwrap();
		std::fs::write(dir.path().join("index.html"), "<html>app</html>").unwrap();
		std::fs::write(dir.path().join("assets/index-abc.js"), "console.log(1)").unwrap();
		let app = WebApp::load(dir.path()).unwrap();
		(dir, app)
	}

	fn get(app: &WebApp, path: &str) -> Option<Response> {
		app.serve(&Method::GET, &path.parse().unwrap())
	}

	#[test]
	fn files_are_served_with_their_type_and_cache_policy() {
		let (_dir, app) = app();
		assert_eq!(app.len(), 2);
		let js = get(&app, "/assets/index-abc.js").unwrap();
		assert_eq!(js.headers()[header::CONTENT_TYPE], "text/javascript; charset=utf-8");
		assert!(js.headers()[header::CACHE_CONTROL].to_str().unwrap().contains("immutable"));
		let index = get(&app, "/").unwrap();
		assert_eq!(index.headers()[header::CONTENT_TYPE], "text/html; charset=utf-8");
		assert_eq!(index.headers()[header::CACHE_CONTROL], "no-cache");
	}

	#[test]
	fn app_routes_get_the_index_but_api_paths_and_stale_assets_do_not() {
		let (_dir, app) = app();
		assert!(get(&app, "/operator").is_some());
		assert!(get(&app, "/v1/meters/1000/readings").is_none());
		assert!(get(&app, "/assets/index-old.js").is_none());
		assert!(get(&app, "/../../etc/passwd").map(|r| r.status()) == Some(StatusCode::OK));
		assert!(app.serve(&Method::POST, &"/".parse().unwrap()).is_none());
	}

	#[test]
	fn a_directory_without_an_index_is_refused() {
		let dir = tempfile::tempdir().unwrap();
		assert!(matches!(WebApp::load(dir.path()), Err(WebError::NoIndex(_))));
		assert!(matches!(WebApp::load(&dir.path().join("missing")), Err(WebError::Io { .. })));
	}
}
