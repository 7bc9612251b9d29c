from typing import Any

import rules

from museumshare.accounts.models import ApiToken, User
from museumshare.core.permissions import is_administrator


@rules.predicate
def is_themself(user: Any, account: User | None) -> bool:
    return account is not None and bool(user.is_authenticated) and account.pk == user.pk


@rules.predicate
def owns_token(user: Any, token: ApiToken | None) -> bool:
    return token is not None and bool(user.is_authenticated) and token.user_id == user.pk


# A token signs in as its person, so only they make one: an administrator who could would be them.
rules.add_perm("accounts.add_token", is_themself)
# Revoking only takes access away: the person, or an administrator answering a leak.
rules.add_perm("accounts.revoke_token", owns_token | is_administrator)
rules.add_perm("accounts.revoke_all_tokens", is_themself | is_administrator)
# Anyone, signed in or not, may ask for a reset link; the page answers the same whether or not the
# address has an account.
rules.add_perm("accounts.ask_password_reset", rules.always_allow)
