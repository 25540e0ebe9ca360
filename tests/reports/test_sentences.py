"""What changed, said to the project manager (issue 31): one sentence per changed setting, in French by default
and in English, never the raw CLI line ("Auditorium bandwidth 250 → 500 Mbit/s" becomes a sentence)."""

from __future__ import annotations

from wifiops.reports.i18n import Localised
from wifiops.reports.sentences import sentences

FR, EN = Localised("fr").gettext, Localised("en").gettext
QOS = {"object": 'aaa bandwidth-contract "regie-auditorium" mbits 250',
       "before": ['aaa bandwidth-contract "regie-auditorium" mbits 250'],
       "after": ['aaa bandwidth-contract "regie-auditorium" mbits 500']}


def test_a_changed_value_is_one_sentence_in_french_and_in_english() -> None:
    assert sentences(QOS, FR) == ["Dans le contrat de bande passante « regie-auditorium », mbits passe de 250 à 500."]
    assert sentences(QOS, EN) == ['In bandwidth contract "regie-auditorium", mbits changes from 250 to 500.']


def test_settings_set_turned_on_removed_and_objects_created_or_deleted() -> None:
    ssid = {"object": 'wlan ssid-profile "intra-louvre"', "before": ["  opmode wpa2-aes", "  local-probe-req-thresh 10"],
            "after": ["  opmode wpa3-aes-ccm-128", "  mfp-required"]}
    assert sentences(ssid, FR) == [
        "Dans le profil SSID « intra-louvre », opmode passe de wpa2-aes à wpa3-aes-ccm-128.",
        "Dans le profil SSID « intra-louvre », local-probe-req-thresh retiré (il valait 10).",
        "Dans le profil SSID « intra-louvre », mfp-required activé."]
    assert sentences({"object": "vlan intra 220", "before": [], "after": ["vlan intra 220"]}, FR) == [
        "Nouvel objet : la correspondance de VLAN « intra », 220."]
    assert sentences({"object": "vlan-name bill", "before": ["vlan-name bill"], "after": []}, EN) == [
        'vlan name "bill" deleted.']
    created = sentences({"object": 'wlan ssid-profile "new"', "before": [],
                         "after": ['wlan ssid-profile "new"', '  essid "New"']}, FR)
    assert created == ["Nouvel objet : le profil SSID « new ».", "Dans le profil SSID « new », essid réglé à New."]
    assert not any(line.lstrip().startswith(("aaa ", "wlan ", "vlan")) for line in created + sentences(QOS, FR))
