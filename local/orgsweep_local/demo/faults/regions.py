"""Make ec2:DescribeRegions agree with the plan's disabled regions.

Only opt-in regions (ap-east-1, me-south-1, af-south-1, ...) can be left disabled on AWS,
and moto answers DescribeRegions alike for every account, with every opt-in region
`not-opted-in`. The plan's disabled regions are those opt-in regions: where the plan leaves
one enabled for an account, its calls there succeed, so DescribeRegions must say `opted-in`;
where the plan disables it, `not-opted-in`. The proxy rewrites moto's EC2 XML answer so that a
caller checking opt-in status learns what the region's calls would tell it. Regions the plan
does not mention keep moto's answer.
"""

from __future__ import annotations

import re
from collections.abc import Collection

_ITEM = re.compile(rb"<item>.*?</item>", re.DOTALL)
_REGION_NAME = re.compile(rb"<regionName>([^<]+)</regionName>")
_OPT_IN = re.compile(rb"<optInStatus>[^<]*</optInStatus>")
NOT_OPTED_IN = b"<optInStatus>not-opted-in</optInStatus>"
OPTED_IN = b"<optInStatus>opted-in</optInStatus>"


def apply_opt_in(body: bytes, *, disabled: Collection[str], enabled: Collection[str] = ()) -> bytes:
    """`body` (a DescribeRegions answer) with `disabled` marked `not-opted-in` and `enabled` `opted-in`."""
    status = {region.encode(): NOT_OPTED_IN for region in disabled}
    status.update({region.encode(): OPTED_IN for region in enabled if region not in disabled})
    if not status:
        return body

    def rewrite(item: re.Match[bytes]) -> bytes:
        text = item.group(0)
        name = _REGION_NAME.search(text)
        if name is None or name.group(1) not in status:
            return text
        wanted = status[name.group(1)]
        if _OPT_IN.search(text):
            return _OPT_IN.sub(wanted, text)
        return text.replace(b"</item>", wanted + b"</item>")

    return _ITEM.sub(rewrite, body)


__all__ = ["NOT_OPTED_IN", "OPTED_IN", "apply_opt_in"]
