//! Demo leads, so that the analyst pages and the exports show something on first start: look-alike domains of
//! the official query sites, fake-certificate ads with their sellers' contacts (one seller in several ads),
//! an address from a scanned QR code, two domains serving the same page, in every status. All run through the
//! real detectors, so their scores and reasons are the detectors' own.

use crate::error::AppError;
use crate::leads::{detect, move_leads};
use crate::registry::Registry;
use certguard_access::local_analyst;
use certguard_leads::{Evidence, LeadKind, LeadStatus, Relation};
use certguard_store::{LeadBatch, LeadQuery};
use chrono::Duration;

/// Names of the kinds rings register (made up for the demo).
const DOMAINS: &[&str] = &[
    "cx-mem-gov.cn.com",
    "tzzy-czz-cx.com",
    "yjgl-zscx.top",
    "mem-gov-cn.net",
    "aqsc-zhengshu-chaxun.com",
    "tezhongzuoye-cx.cn",
    "samr-tzsb-cx.top",
];

/// Ads as they are posted, with province codes; the numbers and accounts are made up.
const ADS: &[(&str, &str, Option<&str>)] = &[
    ("电工证、焊工证、高处作业证免考包过，全国联网可查，3天出证！微信 zhengshu_8866 电话 170 0000 1234", "32", None),
    ("特种作业操作证不用到场考试，只需身份证照片，官网可查，加V：zhengshu_8866", "44", None),
    ("安全员C证 建筑电工证 速办 七个工作日拿证 挂网可查 QQ 800012345", "33", Some("http://yjgl-zscx.top/buy")),
    ("应急管理局特种作业证 本人无需出面 扫码即可验证 和真的一样 联系17000001234", "32", None),
    ("出售证书查询网站源码 可自定义证书信息 名字照片随便改 v信 cxzhan_2024", "41", None),
];

const PAGE_TEXT: &str = "全国特种作业操作证查询 请输入证号和姓名 查询结果：有效 本站数据与应急管理部同步";

/// Seeds the demo leads once (a registry that already has leads keeps them).
pub async fn seed(registry: &Registry) -> Result<usize, AppError> {
    if !registry.store().leads(&LeadQuery { limit: 1, ..LeadQuery::default() }).await?.is_empty() {
        return Ok(0);
    }
    let now = registry.clock().now();
    let mut batch = LeadBatch::default();
    for (i, d) in DOMAINS.iter().enumerate() {
        let seen = now - Duration::hours(6 * i as i64 + 1);
        if let Ok(Some(mut found)) = detect::domain(d, "feed:nrd-demo", seen) {
            if i < 2 {
                // Two domains behind one page: the page worker's evidence.
                found.evidence = Evidence {
                    snapshot_sha256: Some("9f2c4e0b8d1a7e6f5c3b2a190817263544536271809a8b7c6d5e4f3021ab1c2d".into()),
                    redirect_chain: vec![format!("http://{d}/"), format!("https://www.{d}/query")],
                    page_verdict: Some("impersonates".into()),
                    ..Evidence::default()
                }
                .with_text(PAGE_TEXT);
            }
            batch.append(LeadBatch::single(found));
        }
    }
    if batch.detections.len() >= 2 {
        batch.links.push((0, 1, Relation::SamePage));
    }
    for (i, (text, region, url)) in ADS.iter().enumerate() {
        let seen = now - Duration::hours(3 * i as i64 + 2);
        if let Ok(Some(found)) = detect::ad(text, "ads_api:demo", *url, seen, Some(region.to_string())) {
            batch.append(found);
        }
    }
    if let Some(found) = detect::qr_address("https://tzzy-czz-cx.com/cert/verify?no=T000", 60, "look_alike", now) {
        batch.append(found);
    }
    // Straight to the store: demo leads queue no page fetches (their domains are made up) and no notifications.
    let stored = registry.store().upsert_leads(&batch).await?;
    // Walk some leads through the workflow so every status shows.
    let analyst = local_analyst("demo");
    let id_of = |kind: LeadKind, n: usize| {
        batch.detections.iter().zip(&stored).filter(|(d, _)| d.kind == kind).nth(n).map(|(_, u)| u.id)
    };
    let steps: &[(LeadKind, usize, &[LeadStatus], &str)] = &[
        (
            LeadKind::Domain,
            0,
            &[LeadStatus::Confirmed, LeadStatus::Reported, LeadStatus::TakenDown],
            "仿冒查询网站，已报送通信管理局关停",
        ),
        (LeadKind::Domain, 1, &[LeadStatus::Confirmed, LeadStatus::Reported], "与上一域名同一页面，已报送"),
        (LeadKind::Domain, 2, &[LeadStatus::Confirmed], "页面冒充应急管理部查询"),
        (LeadKind::Domain, 5, &[LeadStatus::Dismissed], "培训机构正常网站"),
        (LeadKind::Ad, 0, &[LeadStatus::Confirmed], "免考包过，联系方式在多条广告中出现"),
        (LeadKind::Contact, 0, &[LeadStatus::Confirmed, LeadStatus::Reported], "移交公安机关"),
    ];
    for (kind, n, path, note) in steps {
        let Some(id) = id_of(*kind, *n) else { continue };
        for to in path.iter() {
            move_leads(registry, &analyst, &[id], *to, note, None).await?;
        }
    }
    Ok(stored.len())
}
