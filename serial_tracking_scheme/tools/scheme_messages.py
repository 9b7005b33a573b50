"""Translated messages of the scheme engine's errors (:class:`.scheme.SchemeError`):
its ``code`` names the rule, its ``params`` fill the message."""


def error_message(env, error):
    """The text of ``error`` in ``env``'s language; the error's own text for a code
    without a message."""
    p = {key: str(value) for key, value in error.params.items()}
    messages = {
        "bad_brace": lambda: env._("Unknown or malformed token near %(text)s.", **p),
        "width_required": lambda: env._(
            "Token {%(token)s} needs a width, e.g. {%(token)s:6}.", **p
        ),
        "bad_width": lambda: env._(
            "The width of {%(token)s} must be a number from %(min)s to %(max)s.",
            **p,
        ),
        "bad_arg": lambda: env._("A token has an option it does not accept."),
        "unknown_token": lambda: env._("Unknown token {%(token)s}.", **p),
        "bad_symbology": lambda: env._("Unknown symbology %(name)s.", **p),
        "empty": lambda: env._("The pattern is empty."),
        "not_unique": lambda: env._(
            "The pattern %(pattern)s cannot give unique serials: add a counter "
            "{counter:N} or a random block {random:N}.",
            **p,
        ),
        "repeated": lambda: env._("Token {%(token)s} may appear only once.", **p),
        "check_last": lambda: env._("{check} must be the last token."),
        "auth_last": lambda: env._("{auth} may only be followed by {check}."),
        "auth_alone": lambda: env._("{auth} needs text before it to sign."),
        "bad_alphabet": lambda: env._(
            "The random alphabet needs at least 2 distinct characters."
        ),
        "charset": lambda: env._(
            "%(what)s uses characters that %(symbology)s cannot encode: %(chars)s",
            **p,
        ),
        "too_long": lambda: env._(
            "The pattern %(pattern)s gives serials of about %(length)s characters, "
            "more than the maximum of %(max)s.",
            **p,
        ),
        "too_long_serial": lambda: env._(
            "Serial %(serial)s is longer than the maximum of %(max)s characters.",
            **p,
        ),
        "missing_code": lambda: env._(
            "Token {%(token)s} has no code to put in the serial: set the product's "
            "internal reference, the category's serial code or the warehouse's "
            "short name.",
            **p,
        ),
        "luhn_digits": lambda: env._(
            "A Luhn check digit needs digits only, got %(text)s.", **p
        ),
        "check_empty": lambda: env._("Nothing to compute a check character on."),
        "no_secret": lambda: env._("An authenticity code needs the company's secret."),
    }
    message = messages.get(error.code)
    return message() if message else str(error)
