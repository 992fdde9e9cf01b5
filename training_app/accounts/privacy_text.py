"""The first version of the privacy notice (KVKK aydınlatma metni) loaded by `flask seed`.

Administrators publish later versions (the Reports issue adds the editor); this is only the start.
"""

from sqlalchemy import select

from ..extensions import db
from .models import PrivacyNotice

FIRST_NOTICE_TITLE = "Kişisel Verilerin Korunması Hakkında Aydınlatma Metni"

FIRST_NOTICE_BODY = """\
Konya Belediyeler Birliği ("Birlik") olarak, 6698 sayılı Kişisel Verilerin Korunması Kanunu \
("KVKK") uyarınca veri sorumlusu sıfatıyla, eğitim ve seminer yönetim sistemi aracılığıyla \
işlenen kişisel verileriniz hakkında sizi bilgilendiririz.

1. İşlenen kişisel veriler
Kimlik bilgileri (ad, soyad, T.C. Kimlik No), iletişim bilgileri (e-posta, telefon), görev \
bilgileri (belediye, birim, görev / unvan, istihdam türü), eğitim kayıtları (başvurular, \
yoklama, sınav sonuçları, belgeler) ve sistem kullanım kayıtları.

2. İşleme amaçları
Birliğin 5355 sayılı Mahalli İdare Birlikleri Kanunu ve Birlik Tüzüğü'nde yer alan, üye \
belediyelerin başkan, meclis üyesi ve personeline yönelik eğitim faaliyetlerinin yürütülmesi; \
başvuruların alınması ve belediyenizin onayına sunulması; yoklamaların tutulması; Katılım ve \
Başarı Belgelerinin düzenlenmesi ve doğrulanması; Birlik Meclisine sunulan faaliyet raporlarının \
hazırlanması.

3. Hukuki sebep
KVKK'nın 5. maddesinin 2. fıkrasındaki kanunlarda açıkça öngörülmesi, veri sorumlusunun hukuki \
yükümlülüğünü yerine getirebilmesi ve bir hakkın tesisi için zorunlu olması sebepleri. T.C. \
Kimlik No, belgelerin tek ve doğru kişiye düzenlenmesi için işlenir; şifrelenerek saklanır ve \
hiçbir listede, belgede veya dışa aktarımda tam olarak gösterilmez.

4. Aktarım
Kişisel verileriniz, eğitim kaydınızla sınırlı olarak çalıştığınız belediyenin eğitim \
sorumlusuyla ve eğitimi veren eğitmenle paylaşılır; kanuni zorunluluklar dışında üçüncü \
kişilere aktarılmaz.

5. Haklarınız
KVKK'nın 11. maddesi uyarınca verilerinizin işlenip işlenmediğini öğrenme, bir kopyasını \
isteme, düzeltilmesini veya silinmesini isteme haklarına sahipsiniz. Başvurularınız en geç \
30 gün içinde sonuçlandırılır. Silme talebinde, düzenlenmiş belgelerin doğrulanabilirliği \
korunarak kişisel verileriniz anonim hale getirilir.

Fotoğraf paylaşımı ve duyuru e-postaları gibi isteğe bağlı işlemler yalnızca ayrıca vereceğiniz \
açık rızaya dayanır; rıza vermemeniz hiçbir eğitime katılmanıza engel değildir.
"""


def ensure_privacy_notice() -> bool:
    """Create version 1 of the privacy notice if none exists. Returns True when created."""
    if db.session.scalar(select(PrivacyNotice.id).limit(1)) is not None:
        return False
    db.session.add(PrivacyNotice(version=1, title=FIRST_NOTICE_TITLE, body=FIRST_NOTICE_BODY))
    db.session.flush()
    return True
