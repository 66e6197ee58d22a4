@testable import InfluenceAudit
import SanadCore
import Testing

@Suite("Condition lexicon and finding text, without a database")
struct LexiconTests {
    @Test("the bundled frames name only known concepts and families, in Arabic and English")
    func bundledFrames() {
        let classifier = ConditionClassifier.builtIn
        #expect(classifier.problems == [])
        for family in ConditionClassifier.families {
            let frames = classifier.frames.filter { $0.family == family }
            #expect(!frames.isEmpty, "\(family) has a frame")
            let words = frames.flatMap(\.concepts).flatMap { classifier.concepts[$0] ?? [] }.map(\.text)
            #expect(words.contains { TextRules.containsRightToLeft($0) }, "\(family) has Arabic words")
            #expect(words.contains { !TextRules.containsRightToLeft($0) }, "\(family) has English words")
        }
        #expect(ConditionClassifier(definitions: "frame bribery = envelope\n").problems.count == 2)
    }

    @Test("a finding explains itself: the family and the text's own words that carried it")
    func explains() {
        var frames = ConditionClassifier.builtIn
        frames.model = nil
        let findings = frames.classify("بدنا نراجع كل البوستات قبل ما تنزل، ويكون إلنا ممثل بمجلس الإدارة.")
        #expect(findings.map(\.family) == ["governance", "messaging"], "\(findings)")
        #expect(findings.first { $0.family == "messaging" }?.words.contains("البوستات") == true)
        #expect(findings.first { $0.family == "governance" }?.words.contains("بمجلس") == true)
        #expect(ConditionClassifier.builtIn.classify("Restricted to school fees for girls in Akkar.").isEmpty)
        // The association's own phrase, on top of the frames.
        let own = frames.adding([("private_benefit", "blue tent")]).classify("Use the Blue Tent caterers only")
        #expect(own == [ConditionClassifier.Finding(family: "private_benefit", words: ["Blue", "Tent"])])
    }

    @Test("the model raises a family the frames missed, with its confidence and the words that weighed most")
    func modelBesideFrames() {
        var classifier = ConditionClassifier(definitions: "concept a = veto\nframe governance = a\n")
        classifier.model = ConditionModel(tsv: """
            @families\tgovernance\tmessaging
            @intercepts\t-3\t-3
            @threshold\t0.90
            @step\t3.3
            _gh\t_~
            gho\t_~
            step\t~_
            """)
        #expect(classifier.model?.weights["step"] == [31 * 3.3, 0], "an n-gram may spell a setting's name without changing it")
        #expect(classifier.model?.weights["gho"] == [0, 31 * 3.3], "one character per family: _ is zero, ~ is 31 steps")
        let findings = classifier.classify("Ghostwriting of our statements by the donor, and a veto")
        #expect(findings.map(\.family) == ["governance", "messaging"], "\(findings)")
        let messaging = findings.first { $0.family == "messaging" }
        #expect(messaging?.byFrame == false)
        #expect((messaging?.confidence ?? 0) > 0.9)
        #expect(messaging?.words == ["Ghostwriting"])
        #expect(findings.first?.byFrame == true, "the frame's finding carries the model's view too")
        #expect(ConditionModel.builtIn.families == ConditionClassifier.families, "the shipped model covers every family")
        #expect(!ConditionModel.builtIn.weights.isEmpty)
        let summary = FindingText.summary(rule: "conditions", group: "Karim", members: 1,
                                          evidence: ["category": "messaging", "gifts": [["matched": ["Ghostwriting"], "read_by": "model",
                                                                                         "confidence": 0.93]]], language: "en")
        #expect(summary.contains("read by the model, confidence 0.93"), "\(summary)")
    }

    @Test("the model overrules a frame it finds far from every text of the family, never the association's own phrase")
    func modelVeto() {
        var classifier = ConditionClassifier(definitions: "concept a = veto\nframe governance = a\nframe messaging = a\n")
        classifier.model = ConditionModel(tsv: """
            @families\tgovernance\tmessaging
            @intercepts\t-3\t-3
            @threshold\t0.90
            @vetoes\t0.5\t0.01
            @step\t1
            """)
        #expect(classifier.model?.veto("governance") == 0.5)
        // Both probabilities are 1 / (1 + e³) ≈ 0.047: under governance's veto, over messaging's.
        #expect(classifier.classify("the right of veto").map(\.family) == ["messaging"])
        let own = classifier.adding([("governance", "right of veto")]).classify("the right of veto")
        #expect(own.map(\.family) == ["governance", "messaging"], "\(own)")
        #expect(ConditionModel.builtIn.vetoes.count == ConditionClassifier.families.count, "the shipped model has a veto per family")
    }

    @Test("the demand column calls a text ordinary whatever its frames read, but not the association's own phrase")
    func demandGate() {
        var classifier = ConditionClassifier(definitions: "concept a = veto\nframe governance = a\n")
        // One n-gram of "veto", ±16 steps over the 30 n-grams of the text (scaled by 1/√30):
        // governance about 0.95, demand about 0.05.
        let model = { (gate: String) in
            ConditionModel(tsv: """
                @families\tgovernance
                @gate\t\(gate)
                @intercepts\t0\t0
                @threshold\t0.90
                @vetoes\t0.01
                @step\t1
                _vet\toO
                """)
        }
        classifier.model = model("0.5")
        #expect(classifier.model?.weights.count == 1, "a row of two columns: governance and demand")
        #expect(classifier.model?.gate == 0.5)
        #expect(classifier.classify("the right of veto").isEmpty, "under the gate: neither the frame nor the model alone")
        let own = classifier.adding([("governance", "right of veto")]).classify("the right of veto")
        #expect(own.map(\.family) == ["governance"], "\(own)")
        classifier.model = model("0.01")
        #expect(classifier.classify("the right of veto").map(\.family) == ["governance"])
        // A model written before the demand column lets every text through.
        #expect(ConditionModel(tsv: "@families\tgovernance\n@step\t1\n").gate == 0)
        #expect(ConditionModel.builtIn.gate > 0.05 && ConditionModel.builtIn.gate < 0.5, "the shipped gate: \(ConditionModel.builtIn.gate)")
    }

    @Test("a text the demand column is sure of, where nothing else raised a family, gets the family rated highest")
    func sureDemand() {
        var classifier = ConditionClassifier(definitions: "block messaging = hush\n")
        // No n-gram is known: the intercepts are the probabilities (governance 0.30, messaging
        // 0.12, demand 0.95).
        let model = { (sure: String) in
            ConditionModel(tsv: """
                @families\tgovernance\tmessaging
                @gate\t0.2
                @sure\t\(sure)
                @intercepts\t-0.85\t-2\t3
                @threshold\t0.90
                @vetoes\t0.01\t0.01
                @step\t1
                """)
        }
        classifier.model = model("0.9\t0.2")
        let found = classifier.classify("we expect this arrangement to continue")
        #expect(found.map(\.family) == ["governance"] && found.first?.byFrame == false, "\(found)")
        #expect(abs((found.first?.confidence ?? 0) - 0.30) < 0.01)
        classifier.model = model("0.9\t0.5")
        #expect(classifier.classify("we expect this arrangement to continue").isEmpty, "the family's column under `least`")
        classifier.model = model("0.99\t0.2")
        #expect(classifier.classify("we expect this arrangement to continue").isEmpty, "the demand column under `sure`")
        classifier = ConditionClassifier(definitions: "block governance = hush\n")
        classifier.model = model("0.9\t0.2")
        #expect(classifier.classify("hush, we expect this arrangement to continue").isEmpty, "a block keeps the family ordinary")
        #expect(ConditionModel.builtIn.sure > 0.5 && ConditionModel.builtIn.sure < 1)
    }

    @Test("a text that leaves the choice to the association raises only what the model alone is sure of, and never silences an association's phrase")
    func deference() {
        #expect(ConditionModel.defers("Who joins your hiring committee is your decision; just tell us the name."))
        #expect(ConditionModel.defers("مين بيرأس لجنة المتطوعين قراركن، بس خبرونا بالاسم."))
        #expect(ConditionModel.defers("الأعضاء اللي يبون يحضرون جلسة الاستماع بكيفهم."))
        #expect(ConditionModel.defers("Les bénévoles qui le souhaitent sont les bienvenus, c'est votre choix."))
        // A threat opens the same way ("if you want the grant"): no deference.
        #expect(!ConditionModel.defers("إذا بدكن التمويل يستمر، رئيس الجمعية لازم يكون من طرفنا."))
        #expect(!ConditionModel.defers("We decide who sits on your board."))
        #expect(ConditionModel.features("the choice is yours").contains(ConditionModel.deferenceFeature))

        // The frame finds governance; the model, unsure (0.5, threshold 0.9), lets it stand
        // in a demand and drops it where the text defers.
        var classifier = ConditionClassifier(definitions: "concept a = veto\nframe governance = a\n")
        let model = { (intercept: String) in
            ConditionModel(tsv: "@families\tgovernance\n@gate\t0.1\n@intercepts\t\(intercept)\t3\n@threshold\t0.90\n@vetoes\t0.01\n@step\t1\n")
        }
        classifier.model = model("0")
        #expect(classifier.classify("we want a veto on hiring").map(\.family) == ["governance"])
        #expect(classifier.classify("a veto on hiring is your decision").isEmpty)
        let own = classifier.adding([("governance", "veto on hiring")]).classify("a veto on hiring is your decision")
        #expect(own.map(\.family) == ["governance"], "an association's own phrase still counts")
        // Sure by itself (0.95), the model raises the family even there.
        classifier.model = model("3")
        let sure = classifier.classify("a veto on hiring is your decision")
        #expect(sure.map(\.family) == ["governance"], "\(sure)")
    }

    @Test("a funder that says it asks for, requires or reviews nothing, and makes no exception, is read as an ordinary request")
    func disclaimer() {
        func disclaims(_ text: String) -> Bool { ConditionClassifier.disclaims(ConditionClassifier.tokens(text)) }
        #expect(disclaims("لا نطلب أي بيانات عن أولياء الأمور."))
        #expect(disclaims("لا يُشترط تعيين أي موظف ترشحه المؤسسة المانحة."))
        #expect(disclaims("ما منراجع شي من منشوراتكن."))
        #expect(disclaims("إحنا مش محتاجين أسامي المتطوعين، العدد يكفي."))
        #expect(disclaims("We will not ask for any contact details of your members."))
        #expect(disclaims("We don't require minutes of your board meetings."))
        #expect(disclaims("Nous ne demandons aucun droit de regard sur vos publications."))
        #expect(disclaims("إحنا مش هندخل في موضوع الانتخابات خالص، وزعوا على كل الناس."))
        // The funder named as the one who speaks, in the third person.
        #expect(disclaims("The trust does not nominate board members; your governance is your own."))
        #expect(disclaims("لا تتدخل المؤسسة المانحة في اختيار أعضاء مجلس إدارة الجمعية."))
        #expect(disclaims("الشركة ما تطلب أي بيانات عن المستفيدين."))
        #expect(disclaims("La fondation ne siège dans aucun conseil d'administration de ses partenaires."))
        #expect(!disclaims("لا تتدخل الجمعية في اختيار المورد."), "the association is no funder")
        #expect(!disclaims("The foundation will not appoint anyone unless your board asks."))
        // An exception, or a demand after "but", keeps it a demand.
        #expect(!disclaims("لا نطلب شيئا إلا أن يكون أمين الصندوق من طرفنا."))
        #expect(!disclaims("We don't review your posts, but the press release comes to us first."))
        #expect(!disclaims("We will not require anything until our candidate chairs the board."))
        #expect(!disclaims("We don't review your posts; instead our office writes them."))
        #expect(!disclaims("We will not ask for more if your board appoints our candidate."))
        #expect(!disclaims("ما منطلب شي إذا عينتوا مرشحنا أمين صندوق."))
        // A prohibition asks something of the association; "no need" is no negated request.
        #expect(!disclaims("لا تطلبوا من المستفيدين أي توقيع إلا لنا."))
        #expect(!disclaims("لا تنشرون أي شي قبل ما نراجعه."))
        #expect(!disclaims("ما بدنا تحكوا مع الصحافة."))
        #expect(!disclaims("ما تدخلوا اسم الوزير بالتقرير."))
        #expect(!disclaims("Hire my sister's company; no need for other quotes."))
        #expect(!disclaims("You don't need to mention where the money came from."))
        // ما after "before", "without", "when" is no negation; nor is "that nobody asks".
        #expect(!disclaims("قبل ما نراجع البيان، لا تنشروه."))
        #expect(!disclaims("متطلعوش تصريحات عن المقلب من غير ما نراجعها."))
        #expect(!disclaims("المتطوعين يكونون تحت تصرفنا وقت ما نحتاجهم."))
        #expect(!disclaims("Inscrivez le don comme collecte locale, pour que personne ne demande d'où il vient."))

        // The frame finds governance and the model is sure (0.95): a disclaimer still reads as ordinary.
        var classifier = ConditionClassifier(definitions: "concept a = seat\nframe governance = a\n")
        classifier.model = ConditionModel(tsv: "@families\tgovernance\n@gate\t0.1\n@intercepts\t3\t3\n@threshold\t0.90\n@vetoes\t0.01\n@step\t1\n")
        #expect(classifier.classify("we want a seat").map(\.family) == ["governance"])
        #expect(classifier.classify("we do not ask for a seat").isEmpty)
        #expect(classifier.adding([("governance", "a seat")]).classify("we do not ask for a seat").map(\.family) == ["governance"],
                "an association's own phrase still counts")
    }

    @Test("a block with an unless yields to its concept: unspent money returned is ordinary, unless it goes to a person or in cash")
    func blockUnless() {
        let classifier = ConditionClassifier(definitions: """
            concept transfer = return*, wire
            concept money = funds
            frame pass_through = transfer + money
            concept private_destination = personal account, cash
            block pass_through unless private_destination = unspent
            block pass_through unless unknown_concept = never
            """)
        #expect(classifier.problems == ["block unless unknown concept unknown_concept"])
        #expect(classifier.classify("wire the funds to the committee").map(\.family) == ["pass_through"])
        #expect(classifier.classify("return the unspent funds to the foundation").isEmpty)
        #expect(classifier.classify("return the unspent funds to my personal account").map(\.family) == ["pass_through"])
        // The shipped frames: the same, in Arabic.
        #expect(ConditionClassifier.builtIn.classify("تعاد المبالغ غير المصروفة إلى حساب المؤسسة.").isEmpty)
        #expect(ConditionClassifier.builtIn.classify("تعاد المبالغ غير المصروفة نقدا إلى مدير مكتبنا.").map(\.family).contains("pass_through"))
    }

    @Test("a restriction that keeps the money out of all politics alike is no political demand; one aimed at a rival, or sparing one, is")
    func neutrality() {
        let classifier = ConditionClassifier.builtIn
        func keptOut(_ text: String) -> Bool { classifier.read(ConditionClassifier.tokens(text)).keptOutOfPolitics }
        #expect(keptOut("No grant money for any election campaign."))
        #expect(keptOut("Funds must not be used for political campaigning of any kind."))
        #expect(keptOut("ممنوع أي دعاية انتخابية في المركز أيام التوزيع."))
        #expect(keptOut("لا تستخدم أموال المنحة في أي نشاط انتخابي أو حزبي."))
        #expect(keptOut("Les fonds ne peuvent servir à soutenir aucun candidat ni parti."))
        #expect(classifier.classify("ما نبي أي شعارات حزبية في المركز.").map(\.family) == [])
        // A rival, another or the funder's own beside the political word; an exception after.
        #expect(!keptOut("No public criticism of the governor, and your posts should praise his new programme."))
        #expect(!keptOut("لا تدعوا أي مرشح من المعارضة إلى الحفل."))
        #expect(!keptOut("No other candidate may speak at the distribution."))
        #expect(!keptOut("Don't invite any candidate except ours."))
        #expect(!keptOut("ما بدنا أي صورة لأي مرشح غير مرشحنا."))
        #expect(!keptOut("Aucun parti ne sera invité, sauf le nôtre."))
        // لا بد is "must"; a restriction with nothing that takes in all of politics is no neutrality.
        #expect(!keptOut("لا بد يظهر اسم المرشح على كل الكراتين."))
        #expect(!keptOut("Don't let the opposition near the food boxes."))
    }

    @Test("the model reads a word after a negation, to the end of its clause, as negated, and keeps its plain n-grams too")
    func negationScope() {
        func negated(_ text: String) -> [String] { ConditionModel.wordsInScope(text).filter(\.negated).map(\.word) }
        #expect(negated("We will not ask for the beneficiaries' data, only totals.") == ["ask", "for", "the", "beneficiaries", "data"])
        #expect(negated("We don't review posts but we want the list of volunteers") == ["review", "posts"])
        #expect(negated("لا نطلب أي بيانات عن المستفيدين، وتكفينا الأرقام") == ["نطلب", "اي", "بيانات", "عن", "المستفيدين"])
        #expect(negated("ولا نراجع منشوراتكم بس بدنا أسماء المتطوعين") == ["نراجع", "منشوراتكم"])
        #expect(negated("Aucune liste de bénéficiaires ne nous sera transmise.") == ["liste", "de", "beneficiaires", "ne", "nous", "sera", "transmise"])
        // قبل ما is "before": no negation, so the demand reads as one.
        #expect(negated("ابعتوا البيان قبل ما تنشروه") == [])
        #expect(negated("Send us the volunteers' phone numbers.") == [])

        let features = Set(ConditionModel.features("we will not ask for data"))
        #expect(features.contains("_dat") && features.contains("¬_dat"))
        #expect(features.contains("_we_") && !features.contains("¬_we_"))
        // The shipped model was trained on these features: it has weights for marked n-grams.
        #expect(ConditionModel.builtIn.weights.keys.contains { $0.hasPrefix("¬") })
    }

    @Test("figures in summaries: grouped thousands, cents only when present, percentages to one decimal")
    func figures() {
        #expect(FindingText.amount(1234567.5) == "1,234,567.50")
        #expect(FindingText.amount(1000) == "1,000")
        #expect(FindingText.amount(999) == "999")
        #expect(FindingText.amount(-2500.25) == "-2,500.25")
        #expect(FindingText.percent(0.2727) == "27.3%")
        #expect(FindingText.percent(nil) == "?")
        let arabic = FindingText.summary(rule: "concentration", group: "كريم", members: 3,
                                         evidence: ["share": 0.5, "total": 5000, "income": 10000, "currency": "USD", "window_months": 12],
                                         language: "ar")
        #expect(arabic.contains("50.0%") && arabic.contains("كريم") && arabic.contains("3 جهات"))
    }
}
