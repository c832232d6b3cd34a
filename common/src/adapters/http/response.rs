//! Building responses: JSON for machines, small HTML pages for people, redirects.

use lambda_http::http::{HeaderValue, StatusCode, header};
use lambda_http::{Body, Request, RequestExt, Response};

/// A JSON response with the given status.
pub fn json_response(status: StatusCode, body: &serde_json::Value) -> Response<Body> {
    let mut response = Response::new(Body::from(body.to_string()));
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

/// A minimal HTML page; `title` and `message` are escaped (they may echo request input).
pub fn html_page(status: StatusCode, title: &str, message: &str) -> Response<Body> {
    let page = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{t}</title></head>\
         <body style=\"font-family:sans-serif;max-width:40em;margin:4em auto\"><h1>{t}</h1><p>{m}</p></body></html>",
        t = escape(title),
        m = escape(message)
    );
    let mut response = Response::new(Body::from(page));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// A 302 to `location`; `None` when the location is not a valid header value.
pub fn redirect(location: &str) -> Option<Response<Body>> {
    let mut response = Response::new(Body::Empty);
    *response.status_mut() = StatusCode::FOUND;
    response
        .headers_mut()
        .insert(header::LOCATION, HeaderValue::from_str(location).ok()?);
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Some(response)
}

/// One query parameter, decoded; empty values count as absent.
pub fn query_param(req: &Request, name: &str) -> Option<String> {
    req.query_string_parameters_ref()
        .and_then(|q| q.first(name))
        .map(str::to_owned)
        .filter(|v| !v.is_empty())
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_pages_escape_what_they_echo() {
        let page = html_page(StatusCode::BAD_REQUEST, "x", "<script>alert('1')</script>");
        let body = String::from_utf8(page.body().to_vec()).expect("utf8");
        assert!(!body.contains("<script>"));
        assert!(body.contains("&lt;script&gt;alert(&#39;1&#39;)&lt;/script&gt;"));
    }

    #[test]
    fn a_location_with_a_newline_is_not_a_redirect() {
        assert!(redirect("https://a.example/\r\nSet-Cookie: x").is_none());
        assert_eq!(
            redirect("https://a.example/?q=1").expect("valid").status(),
            StatusCode::FOUND
        );
    }
}
