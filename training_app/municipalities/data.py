"""The member municipalities the seed ships and the standard units.

Konya Büyükşehir and Konya's 31 districts, spelled as the union spells them. The union's remaining
members are outside Konya and not published; administrators add them.
"""

KONYA_DISTRICTS = (
    "Ahırlı", "Akören", "Akşehir", "Altınekin", "Beyşehir", "Bozkır", "Cihanbeyli", "Çeltik",
    "Çumra", "Derbent", "Derebucak", "Doğanhisar", "Emirgazi", "Ereğli", "Güneysınır", "Hadim",
    "Halkapınar", "Hüyük", "Ilgın", "Kadınhanı", "Karapınar", "Karatay", "Kulu", "Meram",
    "Sarayönü", "Selçuklu", "Seydişehir", "Taşkent", "Tuzlukçu", "Yalıhüyük", "Yunak",
)  # fmt: skip

METROPOLITAN = "Konya Büyükşehir"

#: Units every municipality must have, then common optional ones (DOMAIN.md).
STANDARD_UNITS = (
    "Yazı İşleri Müdürlüğü",
    "Mali Hizmetler Müdürlüğü",
    "Fen İşleri Müdürlüğü",
    "Zabıta Müdürlüğü",
    "İmar ve Şehircilik Müdürlüğü",
    "İnsan Kaynakları ve Eğitim Müdürlüğü",
    "Hukuk İşleri Müdürlüğü",
    "İtfaiye Müdürlüğü",
    "Sağlık İşleri Müdürlüğü",
    "Destek Hizmetleri Müdürlüğü",
)

METROPOLITAN_UNITS = (
    "Yazı İşleri ve Kararlar Dairesi Başkanlığı",
    "Mali Hizmetler Dairesi Başkanlığı",
    "Fen İşleri Dairesi Başkanlığı",
    "Zabıta Dairesi Başkanlığı",
    "İmar ve Şehircilik Dairesi Başkanlığı",
    "İnsan Kaynakları ve Eğitim Dairesi Başkanlığı",
    "Hukuk Müşavirliği",
    "İtfaiye Dairesi Başkanlığı",
    "Sağlık ve Sosyal Hizmetler Dairesi Başkanlığı",
    "Destek Hizmetleri Dairesi Başkanlığı",
)
