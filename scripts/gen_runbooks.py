"""Writes Markdown runbooks, one per payload of the corpus, the way people write them:
a heading, a sentence, the request as a curl command in a ```bash fence (the body in
single quotes, a quote in it spliced as '\\''), and the body again in a ```json fence.

    python3 scripts/gen_runbooks.py CORPUS OUT COUNT

Also copies the COUNT payloads into OUT-payloads/: the read + parse floor of the same
bodies, for the ratio of the container case.
"""
import json
import os
import shutil
import sys

corpus, out, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
payloads_dir = out.rstrip("/") + "-payloads"
for d in (out, payloads_dir):
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)


def request_line(body):
    if isinstance(body, list):
        return "PATCH", "https://${TENANT}/api/v1/identity-providers/${IDP_ID}"
    if isinstance(body, dict) and "properties" in body:
        if "id" in body:
            return "PUT", "https://iam.ionos.com/federation/identityproviders/" + str(body.get("id"))
        return "POST", "https://iam.ionos.com/federation/identityproviders"
    return "POST", "https://${TENANT}/api/v1/identity-providers"


names = sorted(n for n in os.listdir(corpus) if n.endswith(".json"))[:count]
for name in names:
    src = os.path.join(corpus, name)
    text = open(src, encoding="utf-8", errors="replace").read()
    shutil.copy(src, payloads_dir)
    try:
        body = json.loads(text)
    except ValueError:
        body = None
    method, url = request_line(body)
    quoted = "'" + text.strip().replace("'", "'\\''") + "'"
    md = (
        "# Identity provider: %s\n\n"
        "Run this once per tenant, with `TENANT` and `QLIK_API_KEY` exported.\n\n"
        "```bash\n"
        "curl -sS -X %s \"%s\" \\\n"
        "  -H \"Authorization: Bearer ${QLIK_API_KEY}\" \\\n"
        "  -H 'Content-Type: application/json' \\\n"
        "  -d %s\n"
        "```\n\n"
        "The body on its own:\n\n"
        "```json\n%s\n```\n"
    ) % (name[:-5], method, url, quoted, text.strip())
    with open(os.path.join(out, name[:-5] + ".md"), "w", encoding="utf-8") as f:
        f.write(md)
