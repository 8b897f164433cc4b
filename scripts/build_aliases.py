#!/usr/bin/env python3
"""Generates src/analysis/aliases.toml, Gazette's built-in alias table, from the real
sources in ../shared/data/aliases plus the curated lists in this file.

    python3 scripts/build_aliases.py ../shared/data > src/analysis/aliases.toml

Sources, in priority order (an earlier source wins a spelling claimed twice):
  1. CURATED below: heads of state and government and other people in the news whose
     names have several romanisations; renamed places (Dnipropetrovsk -> Dnipro,
     Bombay -> Mumbai); common short forms (US, UK).
  2. SpellingUkraine (MIT): Ukrainian cities, people, the country.
  3. Countries: pycountry (LGPL-2.1) names and GeoNames (CC BY 4.0) translations.
  4. World capitals (CAPITALS below) with their GeoNames translations.
  5. GeoNames cities of Ukraine over 40,000 people, with filtered alternate names.

Rules that keep two things from merging (tested in the Rust test-suite):
  - A spelling (after the analyzer's normalisation) claimed by two entities stays with
    the higher-priority one and is dropped from the other; printed to stderr.
  - GeoNames alternate names are noisy: only Latin or Cyrillic names of 4+ letters, not
    all capitals (airport codes), at most 3 words, no digits.
  - A one-word spelling that is also a common lower-case word in the reference news
    (Nice, Turkey, China, Mobile, Trump) is "cased": it only matches when written with a
    capital letter. A noisy alternate name that is a common word is dropped instead.
"""
import collections
import difflib
import json
import re
import sys
import unicodedata
from pathlib import Path

data = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/data")
aliases_dir = data / "aliases"

LANGS = ["en", "de", "fr", "es", "it", "pl", "pt", "nl", "cs", "sk", "sv", "da", "nb", "nn",
         "fi", "hu", "ro", "tr", "lt", "lv", "et", "hr", "sl", "ru", "uk", "be", "bg", "sr"]

# --- curated entities -------------------------------------------------------------
# (id, kind, display name, spellings). Surname-only spellings are deliberate: news says
# "Zelensky" far more often than the full name.
CURATED = [
    ("volodymyr_zelenskyy", "person", "Volodymyr Zelenskyy", [
        "Zelenskyy", "Zelensky", "Zelenskiy", "Zelenskyi", "Zelenski", "Zelenskij",
        "Selenskyj", "Zełenski", "Zelenszkij", "Зеленський", "Зеленский",
        "Volodymyr Zelensky", "Volodymyr Zelenskiy", "Vladimir Zelensky", "Vladimir Zelenskiy",
        "Wolodymyr Selenskyj", "Володимир Зеленський", "Владимир Зеленский"]),
    ("vladimir_putin", "person", "Vladimir Putin", [
        "Putin", "Poutine", "Putyin", "Путин", "Путін", "Wladimir Putin", "Władimir Putin",
        "Vladimir Poutine", "Владимир Путин", "Володимир Путін"]),
    ("petro_poroshenko", "person", "Petro Poroshenko", [
        "Poroshenko", "Poroschenko", "Poroszenko", "Порошенко", "Petro Poroschenko", "Петро Порошенко", "Петр Порошенко", "Пётр Порошенко"]),
    ("viktor_yanukovych", "person", "Viktor Yanukovych", [
        "Yanukovych", "Yanukovich", "Janukowytsch", "Janukowycz", "Ianoukovitch", "Янукович", "Віктор Янукович", "Виктор Янукович"]),
    ("alexander_lukashenko", "person", "Alexander Lukashenko", [
        "Lukashenko", "Lukashenka", "Lukaschenko", "Łukaszenka", "Loukachenko", "Лукашенко", "Лукашэнка",
        "Aliaksandr Lukashenka", "Alexandr Lukashenko", "Александр Лукашенко", "Олександр Лукашенко"]),
    ("dmitry_medvedev", "person", "Dmitry Medvedev", [
        "Dmitri Medvedev", "Dmitriy Medvedev", "Dmitrij Medwedew", "Дмитрий Медведев", "Дмитро Медведєв"]),
    ("mikhail_mishustin", "person", "Mikhail Mishustin", ["Mishustin", "Mischustin", "Мишустин", "Мішустін"]),
    ("sergei_lavrov", "person", "Sergei Lavrov", [
        "Lavrov", "Lawrow", "Лавров", "Sergey Lavrov", "Сергей Лавров", "Сергій Лавров"]),
    ("sergei_shoigu", "person", "Sergei Shoigu", ["Shoigu", "Schoigu", "Choïgou", "Szojgu", "Шойгу"]),
    ("denys_shmyhal", "person", "Denys Shmyhal", ["Shmyhal", "Shmygal", "Schmyhal", "Шмигаль", "Шмыгаль"]),
    ("arseniy_yatsenyuk", "person", "Arseniy Yatsenyuk", ["Yatsenyuk", "Jazenjuk", "Jaceniuk", "Iatseniouk", "Яценюк"]),
    ("volodymyr_groysman", "person", "Volodymyr Groysman", ["Groysman", "Hroisman", "Hrojsman", "Гройсман"]),
    ("yulia_tymoshenko", "person", "Yulia Tymoshenko", ["Tymoshenko", "Timoshenko", "Timoschenko", "Tymoszenko", "Тимошенко"]),
    ("dmytro_kuleba", "person", "Dmytro Kuleba", ["Kuleba", "Кулеба"]),
    ("andriy_yermak", "person", "Andriy Yermak", ["Yermak", "Jermak", "Єрмак", "Ермак"]),
    ("valerii_zaluzhnyi", "person", "Valerii Zaluzhnyi", ["Zaluzhnyi", "Zaluzhny", "Saluschnyj", "Załużny", "Залужний", "Залужный"]),
    ("oleksandr_syrskyi", "person", "Oleksandr Syrskyi", ["Syrskyi", "Syrsky", "Syrskyj", "Сирський", "Сырский"]),
    ("alexei_navalny", "person", "Alexei Navalny", ["Navalny", "Navalnyi", "Nawalny", "Nawalnyj", "Навальный", "Навальний"]),
    ("yevgeny_prigozhin", "person", "Yevgeny Prigozhin", ["Prigozhin", "Prigojine", "Prigoschin", "Prigożyn", "Пригожин"]),
    ("ramzan_kadyrov", "person", "Ramzan Kadyrov", ["Kadyrov", "Kadyrow", "Кадыров", "Кадиров"]),
    ("mikheil_saakashvili", "person", "Mikheil Saakashvili", ["Saakashvili", "Saakaschwili", "Saakaszwili", "Саакашвили", "Саакашвілі"]),
    ("joe_biden", "person", "Joe Biden", ["Biden", "Байден", "Joseph Biden", "Джо Байден"]),
    ("donald_trump", "person", "Donald Trump", ["Trump", "Трамп", "Дональд Трамп"]),
    ("barack_obama", "person", "Barack Obama", ["Obama", "Обама", "Барак Обама"]),
    ("recep_tayyip_erdogan", "person", "Recep Tayyip Erdoğan", ["Erdogan", "Erdoğan", "Эрдоган", "Ердоган", "Tayyip Erdogan"]),
    ("emmanuel_macron", "person", "Emmanuel Macron", ["Macron", "Макрон", "Эммануэль Макрон", "Еммануель Макрон"]),
    ("olaf_scholz", "person", "Olaf Scholz", ["Scholz", "Шольц", "Олаф Шольц"]),
    ("angela_merkel", "person", "Angela Merkel", ["Merkel", "Меркель", "Ангела Меркель"]),
    ("xi_jinping", "person", "Xi Jinping", ["Си Цзиньпин", "Сі Цзіньпін", "Xi Jin-ping"]),
    ("narendra_modi", "person", "Narendra Modi", ["Моди", "Моді", "Нарендра Моди"]),
    ("benjamin_netanyahu", "person", "Benjamin Netanyahu", ["Netanyahu", "Netanjahu", "Netanjahu", "Nétanyahou", "Нетаньяху", "Нетаньягу"]),
    ("andrzej_duda", "person", "Andrzej Duda", ["Анджей Дуда"]),
    ("donald_tusk", "person", "Donald Tusk", ["Tusk", "Туск", "Дональд Туск"]),
    ("viktor_orban", "person", "Viktor Orbán", ["Orban", "Orbán", "Орбан", "Виктор Орбан", "Віктор Орбан"]),
    ("kim_jong_un", "person", "Kim Jong Un", ["Kim Jong-un", "Kim Jong-Un", "Ким Чен Ын", "Кім Чен Ин"]),
    ("bashar_al_assad", "person", "Bashar al-Assad", ["Assad", "al-Assad", "Асад", "Ассад", "Башар Асад", "Башар аль-Асад"]),
    ("antony_blinken", "person", "Antony Blinken", ["Blinken", "Блинкен", "Блінкен"]),
    ("jens_stoltenberg", "person", "Jens Stoltenberg", ["Stoltenberg", "Столтенберг"]),
    ("ursula_von_der_leyen", "person", "Ursula von der Leyen", ["von der Leyen", "фон дер Ляйен", "фон дер Ляєн"]),
    ("giorgia_meloni", "person", "Giorgia Meloni", ["Meloni", "Мелони", "Мелоні"]),
    ("antonio_guterres", "person", "António Guterres", ["Guterres", "Гутерриш", "Гутерреш"]),
    ("boris_johnson", "person", "Boris Johnson", ["Борис Джонсон"]),
    ("theresa_may", "person", "Theresa May", ["Тереза Мэй", "Тереза Мей"]),
    ("keir_starmer", "person", "Keir Starmer", ["Starmer", "Стармер"]),
    ("rishi_sunak", "person", "Rishi Sunak", ["Sunak", "Сунак"]),
    ("vitali_klitschko", "person", "Vitali Klitschko", ["Klitschko", "Кличко"]),
    # Renamed places and historic names.
    ("dnipro", "place", "Dnipro", ["Dnipropetrovsk", "Dnepropetrovsk", "Дніпропетровськ", "Днепропетровск", "Днепр", "Дніпро"]),
    ("kropyvnytskyi", "place", "Kropyvnytskyi", ["Kirovohrad", "Kirovograd", "Kropywnyzkyj", "Кропивницький", "Кропивницкий", "Кіровоград", "Кировоград"]),
    ("bakhmut", "place", "Bakhmut", ["Artemivsk", "Artemovsk", "Artyomovsk", "Bachmut", "Бахмут", "Артемівськ", "Артемовск"]),
    ("mariupol", "place", "Mariupol", ["Mariupol'", "Marioupol", "Mariupol", "Маріуполь", "Мариуполь", "Zhdanov"]),
    ("sievierodonetsk", "place", "Sievierodonetsk", ["Severodonetsk", "Sjewjerodonezk", "Сєвєродонецьк", "Северодонецк"]),
    ("sloviansk", "place", "Sloviansk", ["Slovyansk", "Slavyansk", "Slawjansk", "Словʼянськ", "Слов'янськ", "Славянск"]),
    ("zaporizhzhia", "place", "Zaporizhzhia", ["Zaporizhzhya", "Zaporizhia", "Zaporozhye", "Zaporozhe", "Saporischschja", "Запоріжжя", "Запорожье"]),
    ("mykolaiv", "place", "Mykolaiv", ["Mykolayiv", "Nikolaev", "Nikolayev", "Mykolajiw", "Миколаїв", "Николаев"]),
    ("lviv", "place", "Lviv", ["Lvov", "Lwów", "Lwiw", "Lvіv", "Львів", "Львов"]),
    ("kharkiv", "place", "Kharkiv", ["Kharkov", "Charkiw", "Charków", "Kharkiv", "Харків", "Харьков"]),
    ("odesa", "place", "Odesa", ["Odessa", "Odessa", "Одеса", "Одесса"]),
    ("kyiv", "place", "Kyiv", ["Kiev", "Kyjiw", "Kiew", "Kijów", "Kijev", "Kyjev", "Kijew", "Kiyev", "Київ", "Киев"]),
    ("crimea", "place", "Crimea", ["Krym", "Krim", "Crimée", "Krim", "Крим", "Крым"]),
    ("donbas", "place", "Donbas", ["Donbass", "Донбас", "Донбасс"]),
    ("chornobyl", "place", "Chornobyl", ["Chernobyl", "Tschernobyl", "Czarnobyl", "Tchernobyl", "Чорнобиль", "Чернобыль"]),
    ("horlivka", "place", "Horlivka", ["Gorlovka", "Horliwka", "Горлівка", "Горловка"]),
    ("irpin", "place", "Irpin", ["Irpen", "Irpin'", "Ірпінь", "Ирпень"]),
    ("hostomel", "place", "Hostomel", ["Gostomel", "Гостомель"]),
    ("izium", "place", "Izium", ["Izyum", "Isjum", "Ізюм", "Изюм"]),
    ("kupiansk", "place", "Kupiansk", ["Kupyansk", "Kupjansk", "Куп'янськ", "Купянск"]),
    ("avdiivka", "place", "Avdiivka", ["Avdeyevka", "Awdijiwka", "Авдіївка", "Авдеевка"]),
    ("vuhledar", "place", "Vuhledar", ["Ugledar", "Wuhledar", "Вугледар", "Угледар"]),
    ("pokrovsk", "place", "Pokrovsk", ["Krasnoarmiisk", "Krasnoarmeysk", "Покровськ", "Покровск"]),
    ("enerhodar", "place", "Enerhodar", ["Energodar", "Enerhodar", "Енергодар", "Энергодар"]),
    ("luhansk", "place", "Luhansk", ["Lugansk", "Luhansk", "Луганськ", "Луганск"]),
    ("saint_petersburg", "place", "Saint Petersburg", ["St. Petersburg", "St Petersburg", "Sankt Petersburg", "Petrograd", "Leningrad", "Санкт-Петербург", "Петербург", "Ленинград", "Ленінград"]),
    ("volgograd", "place", "Volgograd", ["Stalingrad", "Wolgograd", "Волгоград", "Сталинград", "Сталінград"]),
    ("yekaterinburg", "place", "Yekaterinburg", ["Ekaterinburg", "Jekaterinburg", "Sverdlovsk", "Екатеринбург", "Єкатеринбург", "Свердловск"]),
    ("kaliningrad", "place", "Kaliningrad", ["Königsberg", "Koenigsberg", "Królewiec", "Калининград", "Калінінград"]),
    ("mumbai", "place", "Mumbai", ["Bombay", "Мумбаи", "Мумбаї", "Бомбей"]),
    ("chennai", "place", "Chennai", ["Madras", "Ченнаи", "Мадрас"]),
    ("kolkata", "place", "Kolkata", ["Calcutta", "Kalkutta", "Калькутта", "Колката"]),
    ("bengaluru", "place", "Bengaluru", ["Bangalore", "Бангалор", "Бенгалуру"]),
    ("beijing", "place", "Beijing", ["Peking", "Pékin", "Pekin", "Пекин", "Пекін"]),
    ("ho_chi_minh_city", "place", "Ho Chi Minh City", ["Saigon", "Sài Gòn", "Хошимин", "Сайгон"]),
    ("yangon", "place", "Yangon", ["Rangoon", "Янгон", "Рангун"]),
    ("istanbul", "place", "Istanbul", ["İstanbul", "Constantinople", "Konstantinopel", "Стамбул", "Константинополь"]),
    ("astana", "place", "Astana", ["Nur-Sultan", "Akmola", "Astana", "Астана", "Нур-Султан"]),
    ("almaty", "place", "Almaty", ["Alma-Ata", "Алматы", "Алма-Ата"]),
    ("gdansk", "place", "Gdańsk", ["Danzig", "Гданьск", "Гданськ"]),
    ("wroclaw", "place", "Wrocław", ["Breslau", "Вроцлав"]),
    ("kinshasa", "place", "Kinshasa", ["Léopoldville", "Киншаса", "Кіншаса"]),
    ("chisinau", "place", "Chișinău", ["Chisinau", "Kishinev", "Kischinau", "Кишинёв", "Кишинев", "Кишинів"]),
    ("tbilisi", "place", "Tbilisi", ["Tiflis", "Тбилиси", "Тбілісі"]),
    ("vilnius", "place", "Vilnius", ["Wilno", "Wilna", "Вильнюс", "Вільнюс"]),
    # Smaller places the war news names (front-line towns, Russian border regions).
    ("chasiv_yar", "place", "Chasiv Yar", ["Chasov Yar", "Chassiw Jar", "Часів Яр", "Часов Яр"]),
    ("vovchansk", "place", "Vovchansk", ["Volchansk", "Wowtschansk", "Вовчанськ", "Волчанск"]),
    ("toretsk", "place", "Toretsk", ["Dzerzhinsk", "Торецьк", "Торецк"]),
    ("siversk", "place", "Siversk", ["Seversk", "Сіверськ", "Северск"]),
    ("lyman", "place", "Lyman", ["Krasnyi Lyman", "Krasny Liman", "Лиман", "Красный Лиман"]),
    ("kurakhove", "place", "Kurakhove", ["Kurakhovo", "Курахове", "Курахово"]),
    ("robotyne", "place", "Robotyne", ["Rabotino", "Роботине", "Работино"]),
    ("huliaipole", "place", "Huliaipole", ["Gulyaipole", "Huljajpole", "Гуляйполе"]),
    ("orikhiv", "place", "Orikhiv", ["Orekhov", "Оріхів", "Орехов"]),
    ("nova_kakhovka", "place", "Nova Kakhovka", ["Novaya Kakhovka", "Нова Каховка", "Новая Каховка"]),
    ("kostiantynivka", "place", "Kostiantynivka", ["Konstantinovka", "Kostjantyniwka", "Костянтинівка", "Константиновка"]),
    ("selydove", "place", "Selydove", ["Selidovo", "Селидове", "Селидово"]),
    ("myrnohrad", "place", "Myrnohrad", ["Mirnograd", "Dymytrov", "Dimitrov", "Мирноград", "Димитров"]),
    ("belgorod", "place", "Belgorod", ["Bilhorod", "Белгород", "Бєлгород", "Білгород"]),
    ("kursk", "place", "Kursk", ["Курск", "Курськ"]),
    ("bryansk", "place", "Bryansk", ["Brjansk", "Брянск", "Брянськ"]),
    ("voronezh", "place", "Voronezh", ["Woronesch", "Woroneż", "Воронеж"]),
    ("rostov_on_don", "place", "Rostov-on-Don", ["Rostow am Don", "Ростов-на-Дону"]),
    ("krasnodar", "place", "Krasnodar", ["Краснодар"]),
    ("novorossiysk", "place", "Novorossiysk", ["Novorossiisk", "Новороссийск", "Новоросійськ"]),
    ("engels", "place", "Engels", ["Энгельс", "Енгельс"]),
    ("snake_island", "place", "Snake Island", ["Zmiinyi Island", "Zmiinyi", "Зміїний", "остров Змеиный"]),
    # Countries' short forms and old names (the country entities come from pycountry).
    ("united_states", "country", "United States", ["US", "U.S.", "USA", "U.S.A.", "United States of America", "США", "Сполучені Штати", "Соединенные Штаты", "Соединённые Штаты", "America"]),
    ("united_kingdom", "country", "United Kingdom", ["UK", "U.K.", "Britain", "Great Britain", "Великобритания", "Великобританія", "Велика Британія", "Соединённое Королевство"]),
    ("russia", "country", "Russia", ["Russian Federation", "Россия", "Росія", "Российская Федерация", "Російська Федерація", "Russland", "Russie", "Rosja"]),
    ("myanmar", "country", "Myanmar", ["Burma", "Мьянма", "М'янма", "Бирма"]),
    ("sri_lanka", "country", "Sri Lanka", ["Ceylon", "Шри-Ланка", "Шрі-Ланка"]),
    ("eswatini", "country", "Eswatini", ["Swaziland", "Эсватини", "Свазиленд"]),
    ("czechia", "country", "Czechia", ["Czech Republic", "Чехия", "Чехія"]),
    ("north_macedonia", "country", "North Macedonia", ["Macedonia", "Северная Македония", "Північна Македонія"]),
    ("turkey", "country", "Turkey", ["Türkiye", "Турция", "Туреччина"]),
    ("cote_d_ivoire", "country", "Côte d'Ivoire", ["Ivory Coast", "Кот-д'Ивуар"]),
    ("belarus", "country", "Belarus", ["Byelorussia", "Belorussia", "Беларусь", "Білорусь", "Белоруссия", "Weißrussland", "Białoruś", "Biélorussie"]),
    ("moldova", "country", "Moldova", ["Moldavia", "Молдова", "Молдавия"]),
    ("ukraine", "country", "Ukraine", ["the Ukraine", "Україна", "Украина", "Ukraina", "Ucraina", "Ucrania"]),
    # ЕС (Russian) but not ЄС: Russian gold (factRuEval) calls ЕС an organisation, the
    # Ukrainian gold (SlavicNER) calls ЄС a place 161 times in 163; left to the tagger.
    ("european_union", "organisation", "European Union", ["EU", "E.U.", "ЕС", "Евросоюз", "Євросоюз", "Европейский союз", "Європейський Союз", "Europäische Union", "Union européenne"]),
    ("nato", "organisation", "NATO", ["North Atlantic Treaty Organization", "OTAN", "НАТО"]),
    ("united_nations", "organisation", "United Nations", ["UN", "U.N.", "ООН", "Vereinte Nationen", "Nations unies"]),
]

# Names that are also ordinary words the reference news happens not to use often enough
# for the statistics to notice: лиман is an estuary.
FORCE_CASED = {"Лиман"}

# Capitals by ISO country code: the English GeoNames name.
CAPITALS = dict(re.findall(r"([A-Z]{2}):(.+?)(?= [A-Z]{2}:|$)", """AF:Kabul AL:Tirana DZ:Algiers AD:Andorra la Vella AO:Luanda AR:Buenos Aires AM:Yerevan AU:Canberra AT:Vienna AZ:Baku BS:Nassau BH:Manama BD:Dhaka BB:Bridgetown BY:Minsk BE:Brussels BZ:Belmopan BJ:Porto-Novo BT:Thimphu BO:Sucre BA:Sarajevo BW:Gaborone BR:Brasília BN:Bandar Seri Begawan BG:Sofia BF:Ouagadougou BI:Gitega KH:Phnom Penh CM:Yaoundé CA:Ottawa CV:Praia CF:Bangui TD:N'Djamena CL:Santiago CO:Bogotá KM:Moroni CG:Brazzaville CR:San José HR:Zagreb CU:Havana CY:Nicosia CZ:Prague DK:Copenhagen DJ:Djibouti DO:Santo Domingo EC:Quito EG:Cairo SV:San Salvador GQ:Malabo ER:Asmara EE:Tallinn ET:Addis Ababa FJ:Suva FI:Helsinki FR:Paris GA:Libreville GM:Banjul GE:Tbilisi DE:Berlin GH:Accra GR:Athens GT:Guatemala City GN:Conakry GW:Bissau GY:Georgetown HT:Port-au-Prince HN:Tegucigalpa HU:Budapest IS:Reykjavík IN:New Delhi ID:Jakarta IR:Tehran IQ:Baghdad IE:Dublin IL:Jerusalem IT:Rome JM:Kingston JP:Tokyo JO:Amman KZ:Astana KE:Nairobi KW:Kuwait City KG:Bishkek LA:Vientiane LV:Riga LB:Beirut LS:Maseru LR:Monrovia LY:Tripoli LI:Vaduz LT:Vilnius LU:Luxembourg MG:Antananarivo MW:Lilongwe MY:Kuala Lumpur ML:Bamako MT:Valletta MR:Nouakchott MU:Port Louis MX:Mexico City MD:Chisinau MC:Monaco MN:Ulaanbaatar ME:Podgorica MA:Rabat MZ:Maputo MM:Nay Pyi Taw NA:Windhoek NP:Kathmandu NL:Amsterdam NZ:Wellington NI:Managua NE:Niamey NG:Abuja KP:Pyongyang MK:Skopje NO:Oslo OM:Muscat PK:Islamabad PA:Panama City PG:Port Moresby PY:Asunción PE:Lima PH:Manila PL:Warsaw PT:Lisbon QA:Doha RO:Bucharest RU:Moscow RW:Kigali SA:Riyadh SN:Dakar RS:Belgrade SL:Freetown SG:Singapore SK:Bratislava SI:Ljubljana SO:Mogadishu ZA:Pretoria KR:Seoul SS:Juba ES:Madrid LK:Colombo SD:Khartoum SR:Paramaribo SE:Stockholm CH:Bern SY:Damascus TW:Taipei TJ:Dushanbe TZ:Dodoma TH:Bangkok TG:Lomé TN:Tunis TR:Ankara TM:Ashgabat UG:Kampala UA:Kyiv AE:Abu Dhabi GB:London US:Washington UY:Montevideo UZ:Tashkent VE:Caracas VN:Hanoi YE:Sanaa ZM:Lusaka ZW:Harare CN:Beijing PS:Ramallah XK:Pristina"""))


def slug(s):
    s = unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "_", s).strip("_")


def norm_key(s):
    """Approximates the analyzer's normalisation (lower case, Latin diacritics folded,
    words split on non-alphanumerics); the Rust build checks the real thing."""
    out = []
    for ch in s.lower():
        if ch == "ё":
            ch = "е"
        if "\u00c0" <= ch <= "\u024f" or "\u1e00" <= ch <= "\u1eff":
            ch = {"ł": "l", "đ": "d", "ø": "o", "æ": "ae", "œ": "oe", "ß": "ss", "ı": "i"}.get(ch, ch)
            ch = "".join(c for c in unicodedata.normalize("NFD", ch) if not unicodedata.combining(c))
        out.append(ch)
    words = re.findall(r"[\w'’]+(?:\.[\w]+)*", "".join(out))
    words = [re.sub(r"['’]s$", "", w).replace("’", "'") for w in words]
    return " ".join(w for w in words if w)


SCRIPT_OK = re.compile(r"^[A-Za-z\u00c0-\u024f\u1e00-\u1eff\u0400-\u04ff' .’ʼ-]+$")


def plausible_alt(name):
    """Filters GeoNames alternate names: Latin or Cyrillic, 4+ letters, not an all-caps
    code, at most three words."""
    if not SCRIPT_OK.match(name) or sum(c.isalpha() for c in name) < 4:
        return False
    if name.isupper() or len(name.split()) > 3 or name[0].islower():
        return False
    return True


# --- common words -------------------------------------------------------------------
lower_count = collections.Counter()
cap_count = collections.Counter()
WORD = re.compile(r"[^\W\d_]+")


def count_words(text):
    for m in WORD.finditer(text):
        w = m.group()
        if w.islower():
            lower_count[w] += 1
        elif w[0].isupper():
            cap_count[w.lower()] += 1


for fname in ["news-large.jsonl", "news-multilingual.jsonl"]:
    with open(data / fname, encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            count_words(r.get("body") or "")


CYRILLIC = re.compile(r"[\u0400-\u04ff]")


def is_common(spelling):
    """A one-word spelling that the reference news also uses as a lower-case word. The
    English news is properly cased, so a small share of lower-case use is telling; parts
    of the Ukrainian press corpus are lower-cased, so Cyrillic needs a clear majority."""
    if len(spelling.split()) != 1:
        return False
    if spelling.isupper() and len(spelling) <= 4:
        return True  # US, UN, EU: abbreviations that are also words must stay capitals
    w = spelling.lower()
    lc, cap = lower_count[w], cap_count[w]
    if CYRILLIC.search(w):
        return lc >= 10 and lc >= 0.7 * (lc + cap)
    return lc >= 3 and lc >= 0.3 * (lc + cap)


def similar_to_known(eid, name):
    """Whether a noisy alternate name looks like a spelling the entity already has."""
    key = norm_key(name)
    cyr = bool(CYRILLIC.search(key))
    for k, o in owner.items():
        if o == eid and bool(CYRILLIC.search(k)) == cyr:
            if difflib.SequenceMatcher(None, k, key).ratio() >= 0.75:
                return True
    return False


# --- assembling -----------------------------------------------------------------------
entities = {}   # id -> dict
order = []
owner = {}      # normalised key -> entity id
dropped = []


def entity(eid, kind, name):
    if eid not in entities:
        entities[eid] = {"id": eid, "name": name, "kind": kind, "spellings": [], "cased": []}
        order.append(eid)
        add(eid, name, primary=True)
    return entities[eid]


def add(eid, spelling, primary=False, noisy=False):
    spelling = spelling.strip()
    key = norm_key(spelling)
    if not key:
        return
    other = owner.get(key)
    if other is not None and other != eid:
        dropped.append(f"{spelling!r}: kept for {other}, dropped from {eid}")
        return
    e = entities[eid]
    if other == eid:
        return
    if is_common(spelling) or spelling in FORCE_CASED:
        if not primary:
            dropped.append(f"{spelling!r}: common word, dropped from {eid}")
            return
        e["cased"].append(spelling)
    if noisy:
        # A name from a noisy list that is short, or that the reference news uses and that does
        # not look like the entity's other names, probably names something else there
        # ("Leo" listed for Lviv).
        w = spelling.lower()
        if sum(c.isalpha() for c in spelling) < 4 or (
            lower_count[w] + cap_count[w] >= 3 and not similar_to_known(eid, spelling)
        ):
            dropped.append(f"{spelling!r}: names something else in the news, dropped from {eid}")
            return
    owner[key] = eid
    if spelling != e["name"]:
        e["spellings"].append(spelling)


def find_owner(*names, kind=None):
    """The entity already holding one of these names (of this kind, if given)."""
    for n in names:
        o = owner.get(norm_key(n)) if n else None
        if o and (kind is None or entities[o]["kind"] == kind):
            return o
    return None


for eid, kind, name, spellings in CURATED:
    entity(eid, kind, name)
    for s in spellings:
        # Curated spellings are primary: kept even if common words, but cased.
        add(eid, s, primary=True)

KIND = {"City": "place", "Settlement": "place", "Village": "place", "Town": "place", "Region": "place",
        "Country": "country", "Company": "organisation", "Person": "person"}
for line in open(aliases_dir / "spellingukraine-groups.jsonl", encoding="utf-8"):
    r = json.loads(line)
    kind = KIND.get(r["category"])
    if kind is None:  # first names and phrases are not entities
        continue
    eid = find_owner(r["canonical"], r.get("uk") or "") or slug(r["canonical"])
    e = entity(eid, entities[eid]["kind"] if eid in entities else kind, r["canonical"])
    if r.get("uk"):
        add(eid, r["uk"], primary=True)
    for s in r.get("incorrect", []):
        add(eid, s)
    for s in r.get("related", []):
        add(eid, s, noisy=True)

geo = {}
geo_by_en = collections.defaultdict(list)
for line in open(aliases_dir / "libgeonames-translations.jsonl", encoding="utf-8"):
    r = json.loads(line)
    geo[r["key"]] = r
    if r["names"].get("en"):
        geo_by_en[(r["names"]["en"], r.get("countrycode"))].append(r)


def geo_names(r):
    out = []
    for lang in LANGS:
        n = r["names"].get(lang)
        if n and SCRIPT_OK.match(n) and "," not in n and not re.search(r"\d", n):
            out.append(n)
    return out


for line in open(aliases_dir / "pycountry-country-names.jsonl", encoding="utf-8"):
    r = json.loads(line)
    g = geo.get(r["alpha_2"])
    display = (g["names"].get("en") if g else None) or r.get("common_name") or r["name"]
    names = [display, r["name"], r.get("common_name"), r.get("official_name")]
    if g:
        names += [g["names"].get(l) for l in ("en", "ru", "uk", "de", "fr")]
    eid = find_owner(*names, kind="country") or slug(display)
    entity(eid, "country", display)
    for s in [r["name"], r.get("official_name"), r.get("common_name")]:
        if s:
            add(eid, s, primary=True)
    for lang in LANGS:
        t = (r.get("translations") or {}).get(lang)
        if t and "," not in t and SCRIPT_OK.match(t):
            add(eid, t)
    if g:
        for n in geo_names(g):
            add(eid, n, primary=n == display)

for cc, cap in CAPITALS.items():
    cands = geo_by_en.get((cap, cc)) or []
    g = max(cands, key=lambda r: len(r["names"]), default=None)
    eid = find_owner(cap) or slug(cap)
    entity(eid, "place", cap if eid not in entities else entities[eid]["name"])
    if g:
        for n in geo_names(g):
            add(eid, n, primary=n == cap)

ua = [json.loads(l) for l in open(aliases_dir / "geonames-ua-cities.jsonl", encoding="utf-8")]
ua.sort(key=lambda r: -r["population"])
for r in ua:
    if r["population"] < 40000:
        break
    g = geo.get(str(r["geonameid"]))
    eid = find_owner(r["name"], *(geo_names(g) if g else [])) or slug(r["name"])
    if eid in entities and entities[eid]["kind"] not in ("place",):
        continue
    entity(eid, "place", r["name"])
    if g:
        for n in geo_names(g):
            if similar_to_known(eid, n):
                add(eid, n, noisy=True)
    for a in r.get("aliases", []):
        if plausible_alt(a) and similar_to_known(eid, a):
            add(eid, a, noisy=True)

# --- output -------------------------------------------------------------------------
def toml_str(s):
    return json.dumps(s, ensure_ascii=False)


out = ["# Gazette's built-in alias table. Generated by scripts/build_aliases.py from",
       "# SpellingUkraine (MIT), GeoNames (CC BY 4.0), pycountry (LGPL-2.1) and curated lists;",
       "# edit the script, not this file. Format: see README, \"Alias files\".", ""]
n_sp = 0
for eid in order:
    e = entities[eid]
    out.append("[[entity]]")
    out.append(f"id = {toml_str(e['id'])}")
    out.append(f"name = {toml_str(e['name'])}")
    out.append(f"kind = {toml_str(e['kind'])}")
    out.append("spellings = [" + ", ".join(toml_str(s) for s in e["spellings"]) + "]")
    if e["cased"]:
        out.append("cased = [" + ", ".join(toml_str(s) for s in e["cased"]) + "]")
    out.append("")
    n_sp += 1 + len(e["spellings"])
print("\n".join(out))
kinds = collections.Counter(entities[e]["kind"] for e in order)
print(f"{len(order)} entities ({dict(kinds)}), {n_sp} spellings; {len(dropped)} spellings dropped",
      file=sys.stderr)
for d in dropped:
    if "kept for" in d:
        print("  conflict:", d, file=sys.stderr)
