"""The expected access of the partners plugin's routes, for the core's authorization matrix."""

from __future__ import annotations

from intranet.testing_access import EVERY_USER, GUESTS_ONLY, PUBLIC, STAFF_ONLY, Case, case

TABLE: dict[str, Case | list[Case]] = {
    "partners.index": case(STAFF_ONLY),  # and members another plugin lets invite
    "partners.invite": case(STAFF_ONLY),
    "partners.bulk": case(STAFF_ONLY),
    "partners.overview": case(STAFF_ONLY),
    "partners.overview_csv": case(STAFF_ONLY),
    "partners.guest": case(STAFF_ONLY),  # and the guest's sponsor
    "partners.guest_access": case(STAFF_ONLY),
    "partners.add_grants": case(STAFF_ONLY),
    "partners.choose_grants": case(STAFF_ONLY),
    "partners.remove_grant": case(STAFF_ONLY),
    "partners.renew": case(STAFF_ONLY),
    "partners.resend": case(STAFF_ONLY),
    "partners.revoke": case(STAFF_ONLY),
    "partners.me": case(GUESTS_ONLY),
    "partners.widget": case(EVERY_USER),
    "partners_invite.accept": case(PUBLIC, token="invite_token"),
    "partners_invite.ask_for_new_link": case(PUBLIC, token="invite_token"),
}
