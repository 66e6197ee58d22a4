public import SanadCore
/// Names, places and texts the generator draws from, with the spelling variation found in
/// real associations' lists: Arabic written with or without hamza seats, tashkeel or taa
/// marbuta, and the several ways each name is transliterated.
enum NamePools {
    struct Name {
        /// Arabic spellings; the first is the common one.
        let arabic: [String]
        /// Latin transliterations; the first is the common one.
        let latin: [String]
    }

    static let maleGiven: [Name] = [
        Name(arabic: ["محمد", "محمّد"], latin: ["Mohammed", "Muhammad", "Mohamed", "Mohamad"]),
        Name(arabic: ["أحمد", "احمد"], latin: ["Ahmad", "Ahmed"]),
        Name(arabic: ["علي"], latin: ["Ali"]),
        Name(arabic: ["حسن"], latin: ["Hassan", "Hasan"]),
        Name(arabic: ["حسين"], latin: ["Hussein", "Hussain", "Husayn"]),
        Name(arabic: ["عمر"], latin: ["Omar", "Umar"]),
        Name(arabic: ["خالد"], latin: ["Khaled", "Khalid"]),
        Name(arabic: ["يوسف"], latin: ["Youssef", "Yousef", "Yusuf"]),
        Name(arabic: ["إبراهيم", "ابراهيم"], latin: ["Ibrahim", "Ebrahim"]),
        Name(arabic: ["مصطفى", "مصطفي"], latin: ["Mustafa", "Moustafa", "Mostafa"]),
        Name(arabic: ["عبد الله", "عبدالله"], latin: ["Abdullah", "Abdallah"]),
        Name(arabic: ["عبد الرحمن", "عبدالرحمن"], latin: ["Abdulrahman", "Abd al-Rahman", "Abdel Rahman"]),
        Name(arabic: ["سامي"], latin: ["Sami", "Samy"]),
        Name(arabic: ["طارق"], latin: ["Tarek", "Tariq"]),
        Name(arabic: ["كريم"], latin: ["Karim", "Kareem"]),
        Name(arabic: ["جمال"], latin: ["Jamal", "Gamal"]),
        Name(arabic: ["رامي"], latin: ["Rami", "Ramy"]),
        Name(arabic: ["زياد"], latin: ["Ziad", "Ziyad"]),
        Name(arabic: ["بلال"], latin: ["Bilal", "Belal"]),
        Name(arabic: ["وليد"], latin: ["Walid", "Waleed"]),
        Name(arabic: ["فادي"], latin: ["Fadi", "Fady"]),
        Name(arabic: ["نبيل"], latin: ["Nabil", "Nabeel"]),
        Name(arabic: ["سعيد"], latin: ["Said", "Saeed", "Sa'id"]),
        Name(arabic: ["مازن"], latin: ["Mazen", "Mazin"]),
        Name(arabic: ["هشام"], latin: ["Hisham", "Hesham"]),
        Name(arabic: ["منصور"], latin: ["Mansour", "Mansur"]),
        Name(arabic: ["جورج"], latin: ["George", "Georges"]),
        Name(arabic: ["إلياس", "الياس"], latin: ["Elias", "Elie"]),
    ]

    static let femaleGiven: [Name] = [
        Name(arabic: ["فاطمة", "فاطمه"], latin: ["Fatima", "Fatma", "Fatimah"]),
        Name(arabic: ["عائشة", "عايشة"], latin: ["Aisha", "Aicha", "Ayesha"]),
        Name(arabic: ["مريم"], latin: ["Maryam", "Mariam", "Meriem"]),
        Name(arabic: ["زينب"], latin: ["Zainab", "Zeinab", "Zaynab"]),
        Name(arabic: ["نور"], latin: ["Nour", "Noor", "Nur"]),
        Name(arabic: ["ليلى", "ليلي"], latin: ["Layla", "Leila", "Laila"]),
        Name(arabic: ["سارة", "ساره"], latin: ["Sara", "Sarah"]),
        Name(arabic: ["هدى", "هدي"], latin: ["Huda", "Houda", "Hoda"]),
        Name(arabic: ["رنا"], latin: ["Rana"]),
        Name(arabic: ["ريم"], latin: ["Reem", "Rim"]),
        Name(arabic: ["سلمى", "سلمي"], latin: ["Salma", "Selma"]),
        Name(arabic: ["دينا"], latin: ["Dina", "Deena"]),
        Name(arabic: ["هبة", "هبه"], latin: ["Hiba", "Heba"]),
        Name(arabic: ["آمنة", "امنة", "آمنه"], latin: ["Amina", "Aminah", "Amna"]),
        Name(arabic: ["خديجة", "خديجه"], latin: ["Khadija", "Khadijah", "Khadeeja"]),
        Name(arabic: ["رشا"], latin: ["Rasha"]),
        Name(arabic: ["لينا"], latin: ["Lina", "Leena"]),
        Name(arabic: ["ياسمين"], latin: ["Yasmine", "Yasmin", "Jasmine"]),
        Name(arabic: ["منى", "مني"], latin: ["Mona", "Muna"]),
        Name(arabic: ["غادة", "غاده"], latin: ["Ghada"]),
        Name(arabic: ["نادية", "ناديه"], latin: ["Nadia", "Nadya"]),
        Name(arabic: ["رولا"], latin: ["Rola", "Rula"]),
        Name(arabic: ["جمانة", "جمانه"], latin: ["Joumana", "Jumana"]),
        Name(arabic: ["كارول"], latin: ["Carole", "Carol"]),
    ]

    static let family: [Name] = [
        Name(arabic: ["الأحمد", "الاحمد"], latin: ["Al-Ahmad", "El Ahmad", "Alahmad"]),
        Name(arabic: ["خليل"], latin: ["Khalil", "Khaleel"]),
        Name(arabic: ["حداد"], latin: ["Haddad", "Hadad"]),
        Name(arabic: ["الحسن"], latin: ["Al-Hassan", "El Hassan"]),
        Name(arabic: ["منصور"], latin: ["Mansour", "Mansur"]),
        Name(arabic: ["سليمان"], latin: ["Sleiman", "Suleiman", "Soliman"]),
        Name(arabic: ["عيسى", "عيسي"], latin: ["Issa", "Eissa"]),
        Name(arabic: ["يوسف"], latin: ["Youssef", "Yousef"]),
        Name(arabic: ["الخطيب"], latin: ["Al-Khatib", "El Khatib", "Khatib"]),
        Name(arabic: ["الشامي"], latin: ["Al-Shami", "Chami", "Shami"]),
        Name(arabic: ["نصر الله", "نصرالله"], latin: ["Nasrallah", "Nasr Allah"]),
        Name(arabic: ["عبد الله", "عبدالله"], latin: ["Abdallah", "Abdullah"]),
        Name(arabic: ["الزين"], latin: ["El Zein", "Zein", "Al-Zayn"]),
        Name(arabic: ["حمدان"], latin: ["Hamdan"]),
        Name(arabic: ["كرم"], latin: ["Karam"]),
        Name(arabic: ["شهاب"], latin: ["Chehab", "Shehab", "Shihab"]),
        Name(arabic: ["فرح"], latin: ["Farah"]),
        Name(arabic: ["طه"], latin: ["Taha"]),
        Name(arabic: ["مراد"], latin: ["Mourad", "Murad"]),
        Name(arabic: ["سعادة", "سعاده"], latin: ["Saade", "Saadeh"]),
        Name(arabic: ["عواد"], latin: ["Awad", "Awwad"]),
        Name(arabic: ["الرفاعي"], latin: ["Al-Rifai", "Rifai"]),
        Name(arabic: ["قاسم"], latin: ["Kassem", "Qasim", "Kasem"]),
        Name(arabic: ["درويش"], latin: ["Darwish", "Darwich"]),
        Name(arabic: ["جابر"], latin: ["Jaber", "Jabir"]),
        Name(arabic: ["الحلبي"], latin: ["Halabi", "El Halabi"]),
        Name(arabic: ["ضاهر"], latin: ["Daher", "Dahir"]),
        Name(arabic: ["أبو علي", "ابو علي"], latin: ["Abou Ali", "Abu Ali"]),
        Name(arabic: ["صالح"], latin: ["Saleh", "Salih"]),
        Name(arabic: ["حجازي"], latin: ["Hijazi", "Hegazy"]),
    ]

    static let englishGiven = [
        "James", "Oliver", "Harry", "Jack", "George", "Noah", "Charlie", "Thomas", "William", "Daniel", "Samuel", "Joseph",
        "David", "Peter", "Andrew", "Michael", "Olivia", "Amelia", "Isla", "Ava", "Emily", "Sophie", "Grace", "Lily", "Chloe",
        "Ella", "Hannah", "Lucy", "Charlotte", "Ruth", "Margaret", "Priya", "Aaliyah", "Chen", "Siobhan", "Zoë", "Chloé",
        "Renée", "José", "Niamh",
    ]

    static let englishFamily = [
        "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Robinson", "Wright", "Thompson",
        "Evans", "Walker", "White", "Roberts", "Green", "Hall", "Wood", "Jackson", "Clarke", "Patel", "Khan", "Begum",
        "O'Brien", "McDonald", "Murphy", "Kowalski", "Nguyen", "Okafor", "Hughes", "Edwards", "Turner", "Hill", "Cooper",
        "Ward", "Morris", "Bennett", "Gray", "Price", "Bailey",
    ]

    struct Place {
        let arabic: String
        let latin: String
        let region: String
    }

    static let lebanon: [Place] = [
        Place(arabic: "طرابلس", latin: "Tripoli", region: "North"), Place(arabic: "بيروت", latin: "Beirut", region: "Beirut"),
        Place(arabic: "صيدا", latin: "Saida", region: "South"), Place(arabic: "صور", latin: "Tyre", region: "South"),
        Place(arabic: "زحلة", latin: "Zahle", region: "Beqaa"), Place(arabic: "جبيل", latin: "Byblos", region: "Mount Lebanon"),
        Place(arabic: "عكار", latin: "Akkar", region: "Akkar"), Place(arabic: "بعلبك", latin: "Baalbek", region: "Baalbek-Hermel"),
        Place(arabic: "النبطية", latin: "Nabatieh", region: "Nabatieh"), Place(arabic: "جونية", latin: "Jounieh", region: "Mount Lebanon"),
    ]

    static let britain: [Place] = [
        Place(arabic: "ليدز", latin: "Leeds", region: "West Yorkshire"), Place(arabic: "لندن", latin: "London", region: "London"),
        Place(arabic: "مانشستر", latin: "Manchester", region: "Greater Manchester"),
        Place(arabic: "برادفورد", latin: "Bradford", region: "West Yorkshire"),
        Place(arabic: "برمنغهام", latin: "Birmingham", region: "West Midlands"),
        Place(arabic: "شيفيلد", latin: "Sheffield", region: "South Yorkshire"), Place(arabic: "يورك", latin: "York", region: "North Yorkshire"),
    ]

    static let emailDomains = ["gmail.com", "hotmail.com", "yahoo.com", "outlook.com", "live.com", "icloud.com", "gmail.com", "gmail.com"]

    static let organizations: [(arabic: String, latin: String)] = [
        ("مؤسسة المستقبل الأخضر", "Green Future Foundation"), ("شركة الخليل القابضة", "Khalil Holdings"),
        ("مجموعة الشامي للتجارة", "Chami Trading Group"), ("صندوق الأمل", "Hope Fund"),
        ("مؤسسة النور الخيرية", "Al Nour Charitable Foundation"), ("بنك المتوسط", "Mediterranean Bank"),
        ("شركة حداد للإنشاءات", "Haddad Construction"), ("مجموعة الزين", "El Zein Group"),
        ("صندوق التنمية المحلية", "Local Development Fund"), ("مؤسسة الرحمة", "Al Rahma Foundation"),
        ("Northern Trust for Communities", "Northern Trust for Communities"), ("Yorkshire Giving Fund", "Yorkshire Giving Fund"),
    ]

    /// Gift conditions funders attach, in Arabic and English, by the influence audit's categories.
    static let conditions: [(category: String, text: String)] = [
        ("purpose", "للمنح الدراسية فقط"), ("purpose", "Restricted to the winter heating programme"),
        ("purpose", "مخصص لشراء الأدوية للمسنين"), ("purpose", "For the food bank in Tripoli only"),
        ("governance", "يشترط تعيين مرشحنا في مجلس الإدارة"), ("governance", "The donor must approve the hiring of the new director"),
        ("governance", "حق النقض على قرارات الميزانية"), ("messaging", "All press releases must be approved by the donor beforehand"),
        ("messaging", "يجب أن توافق الجهة المانحة على البيانات الصحفية"),
        ("mobilization", "Share your member list with our campaign team"),
        ("mobilization", "دعوة المؤيدين للمشاركة في المسيرة يوم الأحد"),
        ("private-benefit", "The contract for supplies goes to the donor's company"),
        ("private-benefit", "توظيف ابن المتبرع في المشروع"), ("pass-through", "Transfer half of the amount to the Hope Fund"),
        ("political", "Ask supporters to vote for our candidate in the municipal election"),
        ("political", "دعم مرشح الحزب في الانتخابات البلدية"),
    ]

    static let campaignThemes: [(arabic: String, latin: String, problem: String)] = [
        ("حملة الشتاء", "Winter warmth", "Families without heating in winter"),
        ("الحقيبة المدرسية", "School bags", "Children who cannot afford school supplies"),
        ("سلة رمضان", "Ramadan baskets", "Households without enough food in Ramadan"),
        ("مياه نظيفة", "Clean water", "Neighbourhoods without safe drinking water"),
        ("دعم المسنين", "Elder care", "Isolated elderly people without care"),
        ("محو الأمية", "Literacy", "Adults who cannot read or write"),
        ("الصحة النفسية", "Mental health", "Young people without access to counselling"),
    ]
}
