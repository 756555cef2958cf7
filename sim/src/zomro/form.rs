//! Request parameters: the query string, then the body as
//! `application/x-www-form-urlencoded` or `multipart/form-data` (the document's
//! example uses `curl --form`, i.e. multipart; Zomro API, "Treść zapytania (Form-data)").

use super::Params;
use crate::http::ApiRequest;
use crate::util::form_decode;

/// Every parameter of a request; a body field overrides a query one.
pub fn params(req: &ApiRequest) -> Params {
    let mut params = urlencoded(&req.query);
    let body = String::from_utf8_lossy(&req.body);
    let boundary = req
        .header("content-type")
        .and_then(|ct| {
            ct.split(';')
                .find_map(|p| p.trim().strip_prefix("boundary="))
        })
        .map(|b| b.trim_matches('"').to_string());
    let fields = match boundary {
        Some(boundary) => multipart(&body, &boundary),
        None => urlencoded(&body),
    };
    params.extend(fields);
    params
}

/// `a=1&b=2`.
fn urlencoded(text: &str) -> Params {
    text.split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            (form_decode(name), form_decode(value))
        })
        .collect()
}

/// The text fields of a multipart body.
fn multipart(body: &str, boundary: &str) -> Params {
    let delimiter = format!("--{boundary}");
    body.split(delimiter.as_str())
        .filter_map(|part| {
            let (head, value) = part.split_once("\r\n\r\n")?;
            let name = head
                .split(';')
                .find_map(|p| p.trim().strip_prefix("name="))?
                .lines()
                .next()?
                .trim_matches('"')
                .to_string();
            Some((
                name,
                value.strip_suffix("\r\n").unwrap_or(value).to_string(),
            ))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multipart_fields_as_curl_sends_them() {
        let body = "--XyZ\r\nContent-Disposition: form-data; name=\"func\"\r\n\r\ninstances.fleio.rebuild\r\n--XyZ\r\nContent-Disposition: form-data; name=\"elid\"\r\n\r\n5113119\r\n--XyZ--\r\n";
        let p = multipart(body, "XyZ");
        assert_eq!(p["func"], "instances.fleio.rebuild");
        assert_eq!(p["elid"], "5113119");
        assert_eq!(urlencoded("a=b+c&d=%3D")["a"], "b c");
    }
}
