public import Postgres

/// The cities of a country under one key whatever the script or spelling, so a rule
/// `city is طرابلس` finds the contacts whose city was typed "Tripoli" or "Trablous". A small
/// gazetteer of the main cities of the countries Sanad's associations work in; a city it
/// does not know keys as its normalized name, as before.
///
/// The key is the normalized English name (`tripoli`), so contacts whose city was already
/// typed that way keep their key. The same Arabic name can be two cities (طرابلس is in
/// Lebanon and in Libya): the association's country decides.
public enum CityNames {
    /// The key of `city` for an association in `country` (ISO 3166).
    public static func key(_ city: String, country: String) -> String {
        let normalized = NameKeys.normalized(city)
        guard let names = index[country] else { return normalized }
        for candidate in forms(of: normalized) {
            if let key = names[candidate] { return key }
        }
        return normalized
    }

    /// A name with and without its article (النبطية, نبطية; al-Khalil, khalil).
    static func forms(of key: String) -> [String] {
        var forms = [key]
        if key.hasPrefix("ال"), key.count > 4 { forms.append(String(key.dropFirst(2))) }
        for article in ["al ", "el ", "ad ", "as ", "az "] where key.hasPrefix(article) {
            forms.append(String(key.dropFirst(article.count)))
        }
        return forms
    }

    /// Every spelling (normalized) → the city's key, per country.
    static let index: [String: [String: String]] = {
        var index: [String: [String: String]] = [:]
        for (country, cities) in gazetteer {
            var names: [String: String] = [:]
            for spellings in cities {
                let key = NameKeys.normalized(spellings[0])
                for spelling in spellings {
                    for form in forms(of: NameKeys.normalized(spelling)) { names[form] = key }
                }
            }
            index[country] = names
        }
        return index
    }()

    /// Per country, each city's spellings, its English name first.
    static let gazetteer: [String: [[String]]] = [
        "LB": [
            ["Beirut", "بيروت", "Beyrouth", "Bayrut", "Beyrut"],
            ["Tripoli", "طرابلس", "Trablous", "Trablos", "Tarablus", "Trabulus"],
            ["Sidon", "صيدا", "Saida", "Saïda", "Sayda"],
            ["Tyre", "صور", "Sour", "Sur"],
            ["Zahle", "زحلة", "Zahlé", "Zahleh"],
            ["Jounieh", "جونية", "جونيه", "Junieh", "Juniyah"],
            ["Byblos", "جبيل", "Jbeil", "Jbail", "Jubayl"],
            ["Baalbek", "بعلبك", "Baalbeck", "Baalbak"],
            ["Nabatieh", "النبطية", "Nabatiyeh", "Nabatiye", "Nabatiyah"],
            ["Batroun", "البترون", "Batrun"],
            ["Aley", "عاليه", "Alay"],
            ["Halba", "حلبا"],
            ["Zgharta", "زغرتا", "Zghorta"],
            ["Akkar", "عكار"],
            ["Baabda", "بعبدا"],
            ["Minieh", "المنية", "Minyeh", "Miniyeh"],
            ["Hermel", "الهرمل"],
            ["Bint Jbeil", "بنت جبيل", "Bint Jbail"],
            ["Chekka", "شكا", "Shekka"],
            ["Marjayoun", "مرجعيون", "Marjeyoun"],
        ],
        "JO": [
            ["Amman", "عمان", "Ammân"],
            ["Zarqa", "الزرقاء", "Zarka"],
            ["Irbid", "إربد", "Irbed"],
            ["Aqaba", "العقبة", "Akaba"],
            ["Salt", "السلط"],
            ["Madaba", "مادبا"],
            ["Jerash", "جرش", "Jarash"],
            ["Karak", "الكرك", "Kerak"],
            ["Mafraq", "المفرق"],
        ],
        "SY": [
            ["Damascus", "دمشق", "Dimashq", "Damas"],
            ["Aleppo", "حلب", "Halab", "Alep"],
            ["Homs", "حمص", "Hims"],
            ["Hama", "حماة", "Hamah"],
            ["Latakia", "اللاذقية", "Lattakia", "Lattaquié"],
        ],
        "PS": [
            ["Gaza", "غزة", "Ghazza"],
            ["Ramallah", "رام الله"],
            ["Nablus", "نابلس", "Naplouse"],
            ["Hebron", "الخليل", "Khalil"],
            ["Jerusalem", "القدس", "Quds", "Jérusalem"],
            ["Bethlehem", "بيت لحم", "Beit Lahm"],
            ["Jenin", "جنين"],
        ],
        "EG": [
            ["Cairo", "القاهرة", "Qahira", "Le Caire"],
            ["Alexandria", "الإسكندرية", "Iskandariya", "Alexandrie"],
            ["Giza", "الجيزة", "Gizeh"],
            ["Mansoura", "المنصورة", "Mansura"],
            ["Asyut", "أسيوط", "Assiut"],
        ],
        "LY": [
            ["Tripoli", "طرابلس", "Tarabulus"],
            ["Benghazi", "بنغازي", "Banghazi"],
            ["Misrata", "مصراتة", "Misurata"],
        ],
        "IQ": [
            ["Baghdad", "بغداد"],
            ["Basra", "البصرة", "Basrah"],
            ["Mosul", "الموصل", "Mawsil"],
            ["Erbil", "أربيل", "Arbil", "Hewler"],
        ],
    ]
}

/// Gives the contacts stored before the gazetteer their city's key (طرابلس and Trablous in
/// a Lebanese association become `tripoli`). Runs as the owner after the migrations, in one
/// statement over every association; rows already keyed are not touched, so it is cheap to
/// run again.
public enum CityKeyBackfill {
    @discardableResult
    public static func run(_ connection: Connection) throws -> Int {
        guard try connection.query("SELECT to_regclass('contacts') IS NOT NULL")[0].decode(Bool.self, at: 0) else { return 0 }
        var countries: [String] = [], spellings: [String] = [], keys: [String] = []
        for (country, names) in CityNames.index {
            for (spelling, key) in names where spelling != key {
                countries.append(country)
                spellings.append(spelling)
                keys.append(key)
            }
        }
        return try connection.withTransaction { transaction in
            // One summary in the audit log would say nothing useful per association: the key is derived data.
            try transaction.query("SELECT set_config('sanad.bulk', 'on', true)")
            return try transaction.execute("""
                UPDATE contacts c SET city_key = g.key
                FROM unnest(\(countries)::text[], \(spellings)::text[], \(keys)::text[]) AS g(country, spelling, key), associations a
                WHERE a.id = c.association_id AND a.country = g.country AND c.city_key = g.spelling
                """)
        }
    }
}
