//! Import and export in the back office: the upload form, the import with its downloadable error report
//! (kept in memory for its owner), and the CSV/XLSX export.

use crate::SharedState;
use crate::auth::PageUser;
use crate::i18n::Lang;
use crate::pages::admin::{admin_nav, app_error_page, forbidden, reader_or_forbidden};
use crate::pages::context::AdminPage;
use crate::pages::layout::{Frame, csrf_input, page};
use crate::pages::public::expired_form;
use crate::security::{ClientAddr, csrf_ok};
use axum::Router;
use axum::extract::{DefaultBodyLimit, Extension, Multipart, Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use certguard_access::Principal;
use certguard_app::export::{ExportFormat, ExportOptions};
use certguard_app::import::ErrorReport;
use maud::{Markup, html};
use parking_lot::Mutex;
use serde::Deserialize;
use std::collections::VecDeque;

/// The last import error reports, kept in memory for download (at most 16, owner only).
#[derive(Default)]
pub struct ReportCache(Mutex<VecDeque<(String, i64, Vec<u8>)>>);

impl ReportCache {
    fn put(&self, owner: i64, csv: Vec<u8>) -> String {
        let id = crate::security::random_hex(16);
        let mut q = self.0.lock();
        if q.len() >= 16 {
            q.pop_front();
        }
        q.push_back((id.clone(), owner, csv));
        id
    }
    fn get(&self, id: &str, owner: i64) -> Option<Vec<u8>> {
        self.0.lock().iter().find(|(i, o, _)| i == id && *o == owner).map(|(_, _, b)| b.clone())
    }
}

fn import_page(f: &Frame, user: &Principal, result: Option<Markup>) -> Markup {
    let l = f.lang;
    page(
        f,
        l.t("批量导入", "Import"),
        html! {
            h1 { (l.t("批量导入证书", "Import certificates")) }
            (admin_nav(l, user))
            @if let Some(r) = result { (r) }
            form.card method="post" action="/admin/import" enctype="multipart/form-data" {
                (csrf_input(f.csrf))
                label for="file" { (l.t("CSV 或 XLSX 文件", "CSV or XLSX file")) }
                input type="file" id="file" name="file" accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" required;
                p.hint {
                    (l.t("第一行为表头：", "The first row holds the headers: "))
                    "姓名, 性别, 身份证号, 作业类别, 操作项目, 初领日期, 有效期开始日期, 有效期结束日期, 应复审日期, 实际复审日期, 签发机关"
                    (l.t("（也可用英文列名）。CSV 可为 UTF-8 或 GBK 编码。同一文件重复导入不会产生重复记录。",
                         " (English aliases work too). CSV may be UTF-8 or GBK. Importing the same file again changes nothing."))
                }
                div.actions { button type="submit" { (l.t("上传并导入", "Upload and import")) } }
            }
        },
    )
}

pub async fn import_form(cx: AdminPage) -> Response {
    let (user, lang) = (&cx.user, cx.lang);
    let f = cx.frame("/admin/import");
    if !user.may_issue_somewhere() {
        return forbidden(&f, lang.t("只有发证机关可以导入。", "Only issuing authorities import."));
    }
    import_page(&f, user, None).into_response()
}

fn too_large(l: Lang, limit: usize) -> String {
    let size = if limit >= 1 << 20 { format!("{} MiB", limit >> 20) } else { format!("{} KiB", limit >> 10) };
    format!("{} {size}", l.t("文件过大，上限为", "File too large; the limit is"))
}

pub async fn import(
    State(state): State<SharedState>,
    cx: AdminPage,
    Extension(ClientAddr(ip)): Extension<ClientAddr>,
    multipart: Multipart,
) -> Response {
    let (user, csrf) = (&cx.user, &cx.csrf);
    let l = cx.lang;
    let f = cx.frame("/admin/import");
    if !user.may_issue_somewhere() {
        return forbidden(&f, l.t("只有发证机关可以导入。", "Only issuing authorities import."));
    }
    let fail = |status: StatusCode, msg: String| {
        let r = html! { div.verdict.bad role="alert" { span.icon aria-hidden="true" { "✖" } span { (msg) } } };
        (status, import_page(&f, user, Some(r))).into_response()
    };
    let fields = match crate::upload::read_form(multipart).await {
        Ok(f) => f,
        Err(crate::upload::UploadError::TooLarge) => {
            return fail(StatusCode::PAYLOAD_TOO_LARGE, too_large(l, state.config.max_upload_bytes));
        }
        Err(crate::upload::UploadError::Malformed(e)) => return fail(StatusCode::BAD_REQUEST, e),
    };
    if !csrf_ok(csrf, &crate::upload::text(&fields, "csrf")) {
        return (StatusCode::FORBIDDEN, page(&f, l.t("表单已过期", "Form expired"), expired_form(l))).into_response();
    }
    let Some((file_name, bytes)) = fields
        .get("file")
        .filter(|p| !p.bytes.is_empty())
        .map(|p| (p.file_name.clone().unwrap_or_else(|| "upload".into()), p.bytes.clone()))
    else {
        return fail(StatusCode::BAD_REQUEST, l.t("请选择要上传的文件", "Choose a file to upload").into());
    };
    let mut report = ErrorReport::new(Vec::new()).expect("in-memory report");
    let mut shown = Vec::new();
    let result = certguard_app::import::import(
        &state.registry,
        user,
        std::io::Cursor::new(bytes),
        &file_name,
        Some(&ip.to_string()),
        |e| {
            report.add(e);
            if shown.len() < 200 {
                shown.push(e.clone());
            }
        },
        |_| {},
    )
    .await;
    let summary = match result {
        Ok(s) => s,
        Err(e @ certguard_app::import::ImportError::Store(_)) => {
            tracing::error!(error = %e, "import failed");
            return fail(
                StatusCode::INTERNAL_SERVER_ERROR,
                l.t(
                    "导入中断，已导入的批次已保存，可重新导入同一文件继续",
                    "Import interrupted; stored batches are kept; import the same file again to continue",
                )
                .into(),
            );
        }
        Err(e) => return fail(StatusCode::UNPROCESSABLE_ENTITY, e.to_string()),
    };
    let report_count = report.count;
    let report_id = state.import_reports.put(user.user_id, report.finish().unwrap_or_default());
    let tone = if summary.rejected == 0 { "ok" } else { "warn" };
    let r = html! {
        div class={ "verdict " (tone) } role="status" {
            span.icon aria-hidden="true" { @if summary.rejected == 0 { "✔" } @else { "!" } }
            span { (l.t("导入完成", "Import finished")) }
        }
        div.stats {
            div.stat { (l.t("数据行", "Rows")) b { (l.number(summary.rows)) } }
            div.stat { (l.t("新增", "Added")) b { (l.number(summary.inserted)) } }
            div.stat { (l.t("已存在（未改动）", "Already stored")) b { (l.number(summary.unchanged)) } }
            div.stat { (l.t("有错误未导入", "Rejected")) b { (l.number(summary.rejected)) } }
        }
        @if report_count > 0 {
            h2 { (l.t("错误明细", "Errors")) }
            p { a.button.secondary href={ "/admin/import/report/" (report_id) } { (l.t("下载错误报告 (CSV)", "Download the error report (CSV)")) } }
            div.table-wrap { table {
                thead { tr { th { (l.t("行号", "Row")) } th { (l.t("列", "Column")) } th { (l.t("值", "Value")) } th { (l.t("原因", "Reason")) } } }
                tbody { @for e in &shown { tr { td { (e.row) } td { (e.column) } td { (e.value) } td { (e.reason) } } } }
            } }
        }
    };
    import_page(&f, user, Some(r)).into_response()
}

pub async fn import_report(
    State(state): State<SharedState>,
    PageUser(user): PageUser,
    Path(id): Path<String>,
) -> Response {
    match state.import_reports.get(&id, user.user_id) {
        Some(bytes) => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
                (header::CONTENT_DISPOSITION, "attachment; filename=\"import-errors.csv\""),
            ],
            bytes,
        )
            .into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

#[derive(Deserialize)]
pub struct ExportQuery {
    format: Option<String>,
}

pub async fn export(
    State(state): State<SharedState>,
    cx: AdminPage,
    Extension(ClientAddr(ip)): Extension<ClientAddr>,
    Query(q): Query<ExportQuery>,
) -> Response {
    let (user, lang) = (&cx.user, cx.lang);
    let f = cx.frame("/admin");
    let reader = match reader_or_forbidden(&f, user) {
        Ok(r) => r,
        Err(r) => return r,
    };
    let xlsx = q.format.as_deref() == Some("xlsx");
    let opts = ExportOptions {
        format: if xlsx { ExportFormat::Xlsx } else { ExportFormat::Csv },
        authority: None,
        full_id: false,
        english_headers: lang == Lang::En,
    };
    let mut out = std::io::Cursor::new(Vec::new());
    if let Err(e) =
        certguard_app::export::export(&state.registry, &reader, &opts, Some(&ip.to_string()), &mut out, |_| {}).await
    {
        return app_error_page(&f, e);
    }
    let (ct, name) = if xlsx {
        ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "certificates.xlsx")
    } else {
        ("text/csv; charset=utf-8", "certificates.csv")
    };
    (
        [
            (header::CONTENT_TYPE, ct.to_string()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")),
        ],
        out.into_inner(),
    )
        .into_response()
}

/// The import route takes bodies up to `max_upload` bytes (the configured upload limit).
pub fn routes(max_upload: usize) -> Router<SharedState> {
    Router::new()
        .route("/admin/import", get(import_form).post(import).layer(DefaultBodyLimit::max(max_upload)))
        .route("/admin/import/report/{id}", get(import_report))
        .route("/admin/export", get(export))
}
