internal import Foundation
internal import Postgres
internal import SanadCore

/// The report as one self-contained HTML file: no scripts, fonts or images from elsewhere,
/// charts as inline SVG, right-to-left for Arabic associations.
extension AuditReport {
    public func html() -> String {
        let arabic = language == .arabic
        let t = { (english: String, arabicText: String) in arabic ? arabicText : english }
        var page = """
            <!DOCTYPE html>
            <html lang="\(arabic ? "ar" : "en")" dir="\(arabic ? "rtl" : "ltr")">
            <head>
            <meta charset="utf-8">
            \(HTMLText.contentSecurityPolicyMeta)
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(HTMLText.escape(t("Influence-risk audit", "تدقيق مخاطر النفوذ"))) — \(HTMLText.escape(association.name))</title>
            <style>\(Self.style)</style>
            </head>
            <body>
            <header>
            <h1>\(HTMLText.escape(t("Influence-risk audit", "تدقيق مخاطر النفوذ"))) — <bdi>\(HTMLText.escape(association.name))</bdi></h1>
            <p>\(HTMLText.escape(t("Run of", "تشغيل بتاريخ"))) \(day(run.startedAt)) · \(HTMLText.escape(arabic ? "تبرعات آخر \(ArabicGrammar.count(run.windowMonths, .monthAfterLast))" : "gifts of the last \(run.windowMonths) months")) · \(HTMLText.escape(t("report made", "أُعدّ التقرير"))) \(day(generatedAt))</p>
            <p class="note">\(HTMLText.escape(t("Each finding prompts a human review; the audit never blocks or blacklists anyone by itself.",
                                       "كل ملاحظة تدعو إلى مراجعة بشرية؛ التدقيق لا يحظر أحداً ولا يدرجه في قائمة سوداء من تلقاء نفسه.")))</p>
            </header>
            \(incompleteWarning.map { "<p class=\"warning\" id=\"incomplete\">\(HTMLText.escape($0))</p>" } ?? "")
            <section id="figures" class="figures">
            \(figure(t("Donated income", "الدخل من التبرعات"), "\(FindingText.amount(run.income.doubleValue)) \(run.currency)"))
            \(figure(t("Funder groups", "مجموعات الممولين"), String(run.funderGroups)))
            \(figure(t("Concentration index (HHI)", "مؤشر التركّز"), run.hhi.map { "\($0)" } ?? "—"))
            \(figure(t("Effective number of funders", "العدد الفعلي للممولين"), effectiveFunders.map { String(format: "%.1f", $0) } ?? "—"))
            \(figure(t("Gini coefficient", "معامل جيني"), run.gini.map { "\($0)" } ?? "—"))
            \(counts.map { figure(FindingText.severityName($0.severity, language), String($0.count), css: "severity-\($0.severity)") }.joined(separator: "\n"))
            </section>
            <section id="concentration">
            <h2>\(HTMLText.escape(t("Funding concentration", "تركّز التمويل")))</h2>
            <div class="charts">
            <figure>\(shareChart())<figcaption>\(HTMLText.escape(t("Share of donated income per funder group (largest groups)", "حصة كل مجموعة ممولين من التبرعات (أكبر المجموعات)")))</figcaption></figure>
            <figure class="lorenz-figure">\(lorenzCurve())<figcaption>\(HTMLText.escape(t("Lorenz curve: the further below the diagonal, the more concentrated", "منحنى لورنز: كلما ابتعد عن القطر زاد التركّز")))</figcaption></figure>
            </div>
            </section>
            \(ratesSection())
            <section id="findings">
            <h2>\(HTMLText.escape(t("Findings", "الملاحظات"))) (\(findings.count))</h2>

            """
        if findings.isEmpty {
            page += "<p class=\"empty\">\(HTMLText.escape(t("No findings: nothing in the data calls for a review.", "لا ملاحظات: لا شيء في البيانات يستدعي المراجعة.")))</p>\n"
        }
        for (severity, count) in counts where count > 0 {
            page += "<h3 class=\"severity-\(severity)\">\(HTMLText.escape(FindingText.severityName(severity, language))) (\(count))</h3>\n"
            for finding in findings where finding.severity == severity {
                page += article(finding)
            }
        }
        page += """
            </section>
            <footer><p>\(HTMLText.escape(t("Review a finding with", "لمراجعة ملاحظة"))): <code dir="ltr">sanad audit review ID --acknowledge|--dismiss|--resolve --reason "…"</code></p></footer>
            </body>
            </html>

            """
        return page
    }

    /// Every exchange rate the run converted with: currency, first day, rate, source, gifts.
    private func ratesSection() -> String {
        guard !run.rates.isEmpty else { return "" }
        let arabic = language == .arabic
        let head = [arabic ? "العملة" : "currency", arabic ? "ساري من" : "from", arabic ? "السعر بـ\(run.currency)" : "rate in \(run.currency)",
                    arabic ? "المصدر" : "source", arabic ? "التبرعات" : "gifts"].map { "<th>\(HTMLText.escape($0))</th>" }.joined()
        let rows = run.rates.map { rate in
            "<tr><td>\(HTMLText.escape(rate.currency))</td><td>\(HTMLText.escape(rate.validOn))</td><td>\(HTMLText.escape(rate.rate.description))</td>"
                + "<td><bdi>\(HTMLText.escape(rate.source ?? "—"))</bdi></td><td>\(rate.gifts)</td></tr>"
        }.joined()
        return "<section id=\"rates\"><h2>\(HTMLText.escape(arabic ? "أسعار الصرف المستعملة" : "Exchange rates used"))</h2>"
            + "<table><thead><tr>\(head)</tr></thead><tbody>\(rows)</tbody></table></section>"
    }

    private func figure(_ label: String, _ value: String, css: String = "") -> String {
        "<div class=\"figure \(css)\"><span class=\"value\"><bdi>\(HTMLText.escape(value))</bdi></span><span class=\"label\">\(HTMLText.escape(label))</span></div>"
    }

    private func article(_ finding: AuditFinding) -> String {
        let status = FindingText.statusName(finding.status, language)
        var html = """
            <article class="finding severity-\(finding.severity)" id="finding-\(finding.id)">
            <h4><span class="badge">\(HTMLText.escape(FindingText.severityName(finding.severity, language)))</span> \(HTMLText.escape(FindingText.ruleTitle(finding.rule, language))) <span class="id">#\(finding.id)</span> <span class="status">\(HTMLText.escape(status))</span></h4>
            <p class="summary">\(HTMLText.escape(finding.summary))</p>

            """
        if let reason = finding.statusReason {
            html += "<p class=\"reason\">\(HTMLText.escape(reason))</p>\n"
        }
        if case .object(let evidence) = finding.evidenceValue, !evidence.isEmpty {
            html += "<details open><summary>\(HTMLText.escape(language == .arabic ? "الأدلة" : "Evidence"))</summary>\(render(.object(evidence)))</details>\n"
        }
        return html + "</article>\n"
    }

    /// Evidence as nested definition lists, with lists of records as tables.
    private func render(_ value: EvidenceValue) -> String {
        switch value {
        case .object(let fields):
            let items = fields.map { field -> String in
                "<dt>\(HTMLText.escape(label(field.name)))</dt><dd>\(render(displayed(field.name, field.value)))</dd>"
            }
            return "<dl>" + items.joined() + "</dl>"
        case .list(let values) where values.contains(where: { if case .object = $0 { true } else { false } }):
            var columns: [String] = []
            for case .object(let fields) in values {
                for field in fields where !columns.contains(field.name) { columns.append(field.name) }
            }
            let head = columns.map { "<th>\(HTMLText.escape(label($0)))</th>" }.joined()
            let rows = values.map { value -> String in
                guard case .object = value else { return "" }
                return "<tr>" + columns.map { column in "<td>\(value[column].map { render(displayed(column, $0)) } ?? "")</td>" }.joined() + "</tr>"
            }
            return "<table><thead><tr>\(head)</tr></thead><tbody>\(rows.joined())</tbody></table>"
        case .list(let values):
            return values.map(render).joined(separator: ", ")
        case .null: return "—"
        case .bool(let flag): return flag ? "✓" : "—"
        case .text(let text): return "<bdi>\(HTMLText.escape(text))</bdi>"
        case .integer(let number): return String(number)
        case .decimal(let number): return number.description
        }
    }

    /// A value as the report's language says it: a family, who read a text, a gift's type.
    private func displayed(_ key: String, _ value: EvidenceValue) -> EvidenceValue {
        guard case .text(let text) = value else { return value }
        switch key {
        case "category": return .text(FindingText.categoryName(text, language))
        case "read_by" where language == .arabic: return .text(["model": "النموذج المدرَّب", "frames": "الأطر"][text] ?? text)
        case "type" where language == .arabic: return .text(["donation": "تبرع", "pledge": "تعهد"][text] ?? text)
        default: return value
        }
    }

    private func label(_ key: String) -> String {
        if key == "base_amount" { return language == .arabic ? "بـ\(run.currency)" : "in \(run.currency)" }
        guard language == .arabic else { return key.replacingOccurrences(of: "_", with: " ") }
        let arabic = ["amount": "المبلغ", "date": "التاريخ", "currency": "العملة", "share": "الحصة", "total": "المجموع",
                      "income": "الدخل", "gifts": "التبرعات", "members": "أعضاء المجموعة", "name": "الاسم", "id": "الرقم",
                      "conditions": "الشروط", "matched": "الكلمات المطابقة", "read_by": "قرأها", "confidence": "ثقة النموذج", "notes": "الملاحظات", "category": "الفئة",
                      "decision": "القرار", "subject": "الموضوع", "trustee": "عضو المجلس", "election": "الانتخابات",
                      "largest_gifts": "أكبر التبرعات", "restricted": "مقيّد", "pep": "معرّض سياسياً", "type": "النوع",
                      "window_months": "الفترة بالأشهر", "previous_share": "الحصة السابقة", "rise_points": "الارتفاع بالنقاط",
                      "giver": "المتبرع", "exposed": "المعرّضون سياسياً", "reasons": "الأسباب", "polling_day": "يوم الاقتراع",
                      "announced_on": "تاريخ الإعلان", "region": "المنطقة", "days": "الأيام", "limit": "الحد", "gift": "التبرع",
                      "beneficiary": "المستفيد", "hhi": "المؤشر", "effective_funders": "العدد الفعلي للممولين",
                      "funder_groups": "مجموعات الممولين", "minimum": "الحد الأدنى", "note": "ملاحظة",
                      "limit_as_set": "الحد كما ضُبط", "minimum_as_set": "الحد الأدنى كما ضُبط", "large_gift": "التبرع الكبير",
                      "large_gift_as_set": "التبرع الكبير كما ضُبط", "valid_on": "ساري من", "rate": "السعر", "source": "المصدر"]
        return arabic[key] ?? key.replacingOccurrences(of: "_", with: " ")
    }

    // MARK: Charts

    /// Horizontal bars, one per large funder group and one for everyone else; in Arabic the
    /// labels stand on the right and the bars grow leftwards.
    private func shareChart() -> String {
        let rtl = language == .arabic
        var bars = run.topGroups.map { (name: $0.name, share: $0.share, members: $0.members) }
        let others = 1 - bars.reduce(0) { $0 + $1.share }
        if others > 0.0005 { bars.append((rtl ? "جميع الآخرين" : "All others", others, 0)) }
        let width = 640.0, labelWidth = 220.0, row = 26.0, plot = width - labelWidth - 60
        let height = max(row, Double(bars.count) * row) + 10
        var svg = "<svg id=\"share-chart\" dir=\"ltr\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\" aria-label=\"\(HTMLText.escape(rtl ? "حصص مجموعات الممولين" : "Funder group shares"))\">"
        for threshold in [0.10, 0.25, 0.50] {
            let x = rtl ? width - labelWidth - threshold * plot : labelWidth + threshold * plot
            svg += "<line class=\"threshold\" x1=\"\(x)\" y1=\"0\" x2=\"\(x)\" y2=\"\(height - 6)\"/>"
        }
        for (index, bar) in bars.enumerated() {
            let y = Double(index) * row + 4
            let length = max(1, bar.share * plot)
            let name = bar.name.count > 30 ? String(bar.name.prefix(29)) + "…" : bar.name
            let label = bar.members > 1 ? "\(name) (+\(bar.members - 1))" : name
            let isOthers = index == run.topGroups.count
            let css = isOthers ? "bar others" : bar.share >= 0.5 ? "bar high" : bar.share >= 0.25 ? "bar warn" : bar.share >= 0.10 ? "bar notice" : "bar"
            if rtl {
                svg += "<text x=\"\(width - labelWidth + 8)\" y=\"\(y + 14)\" text-anchor=\"start\">\(HTMLText.escape(label))</text>"
                svg += "<rect class=\"\(css)\" x=\"\(width - labelWidth - length)\" y=\"\(y)\" width=\"\(length)\" height=\"\(row - 8)\"/>"
                svg += "<text class=\"value\" x=\"\(width - labelWidth - length - 6)\" y=\"\(y + 14)\" text-anchor=\"end\">\(FindingText.percent(bar.share))</text>"
            } else {
                svg += "<text x=\"\(labelWidth - 8)\" y=\"\(y + 14)\" text-anchor=\"end\">\(HTMLText.escape(label))</text>"
                svg += "<rect class=\"\(css)\" x=\"\(labelWidth)\" y=\"\(y)\" width=\"\(length)\" height=\"\(row - 8)\"/>"
                svg += "<text class=\"value\" x=\"\(labelWidth + length + 6)\" y=\"\(y + 14)\" text-anchor=\"start\">\(FindingText.percent(bar.share))</text>"
            }
        }
        return svg + "</svg>"
    }

    /// The Lorenz curve of income over funder groups, with the line of perfect equality.
    private func lorenzCurve() -> String {
        let size = 300.0, margin = 48.0
        func point(_ x: Double, _ y: Double) -> String {
            String(format: "%.1f,%.1f", margin + x * size, margin + size - y * size)
        }
        let curve = ([(0.0, 0.0)] + run.lorenz.map { ($0.x, $0.y) }).map { point($0.0, $0.1) }.joined(separator: " ")
        let total = Int(size + 2 * margin)
        var svg = "<svg id=\"lorenz-curve\" dir=\"ltr\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(total) \(total)\" role=\"img\" aria-label=\"Lorenz\">"
        svg += "<rect class=\"frame\" x=\"\(margin)\" y=\"\(margin)\" width=\"\(size)\" height=\"\(size)\"/>"
        svg += "<polyline class=\"equality\" points=\"\(point(0, 0)) \(point(1, 1))\"/>"
        svg += "<polygon class=\"gap\" points=\"\(curve) \(point(1, 1))\"/>"
        svg += "<polyline class=\"lorenz\" points=\"\(curve)\"/>"
        for tick in [0.0, 0.5, 1.0] {
            svg += "<text x=\"\(margin + tick * size)\" y=\"\(margin + size + 16)\" text-anchor=\"middle\">\(Int(tick * 100))%</text>"
        }
        for tick in [0.5, 1.0] {
            svg += "<text x=\"\(margin - 6)\" y=\"\(margin + size - tick * size + 4)\" text-anchor=\"end\">\(Int(tick * 100))%</text>"
        }
        let arabic = language == .arabic
        svg += "<text x=\"\(margin + size / 2)\" y=\"\(Double(total) - 4)\" text-anchor=\"middle\">\(HTMLText.escape(arabic ? "حصة مجموعات الممولين" : "share of funder groups"))</text>"
        svg += "<text x=\"12\" y=\"\(margin + size / 2)\" text-anchor=\"middle\" transform=\"rotate(-90 12 \(margin + size / 2))\">\(HTMLText.escape(arabic ? "حصة الدخل" : "share of income"))</text>"
        return svg + "</svg>"
    }

    /// The calendar day of an instant where the association is (never the UTC day).
    private func day(_ date: Date) -> String { String(JSONText.isoTimestamp(date, in: association.zone).prefix(10)) }

    private static let style = """
        body{font-family:"Noto Sans","Noto Sans Arabic","DejaVu Sans",system-ui,sans-serif;margin:2rem auto;max-width:60rem;padding:0 1rem;color:#1d232b;line-height:1.5}
        h1{font-size:1.6rem;margin-bottom:.2rem}h2{border-bottom:2px solid #d8dee6;padding-bottom:.2rem;margin-top:2rem}
        .note{color:#5a6470;font-size:.9rem}.warning{border:1px solid #e07000;background:#fff4e5;border-radius:6px;padding:.5rem .8rem}
        .figures{display:flex;flex-wrap:wrap;gap:.6rem}.figure{border:1px solid #d8dee6;border-radius:6px;padding:.5rem .8rem;min-width:8rem;display:flex;flex-direction:column}
        .figure .value{font-size:1.3rem;font-weight:600}.figure .label{font-size:.8rem;color:#5a6470}
        figure{margin:0 0 1rem 0}figure.lorenz-figure{max-width:26rem}figcaption{font-size:.85rem;color:#5a6470}
        svg{width:100%;height:auto;font-size:12px;direction:ltr}svg text{fill:#1d232b}
        .bar{fill:#7d8fa3}.bar.others{fill:#c9d1db}.bar.notice{fill:#d9a400}.bar.warn{fill:#e07000}.bar.high{fill:#c62828}.threshold{stroke:#b0b8c2;stroke-dasharray:3 3}
        .frame{fill:none;stroke:#b0b8c2}.equality{stroke:#7d8fa3;stroke-dasharray:4 3;fill:none}.lorenz{stroke:#c62828;stroke-width:2;fill:none}.gap{fill:#c6282822;stroke:none}
        .finding{border:1px solid #d8dee6;border-inline-start:6px solid #7d8fa3;border-radius:6px;padding:.6rem 1rem;margin:.8rem 0}
        .finding.severity-high{border-inline-start-color:#c62828}.finding.severity-warn{border-inline-start-color:#e07000}.finding.severity-notice{border-inline-start-color:#d9a400}
        .finding h4{margin:.2rem 0}.badge{font-size:.75rem;border-radius:4px;padding:.1rem .4rem;background:#eef1f5}
        .severity-high .badge,h3.severity-high{color:#c62828}.severity-warn .badge,h3.severity-warn{color:#b35900}
        .id,.status{color:#5a6470;font-weight:400;font-size:.85rem}.reason{font-style:italic;color:#5a6470}
        table{border-collapse:collapse;margin:.3rem 0;font-size:.85rem}th,td{border:1px solid #d8dee6;padding:.2rem .4rem;text-align:start;vertical-align:top}
        dl{display:grid;grid-template-columns:max-content 1fr;gap:.1rem .8rem;margin:.3rem 0}dt{color:#5a6470}dd{margin:0}
        code{background:#eef1f5;padding:.1rem .3rem;border-radius:3px}
        """
}
