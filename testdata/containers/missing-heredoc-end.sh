#!/bin/bash
curl -X PATCH "https://$TENANT/api/v1/identity-providers/$IDP_ID" \
  -H "Authorization: Bearer $QLIK_API_KEY" \
  -H 'Content-Type: application/json' \
  --data-binary @- <<'JSON'
[{"op": "replace", "path": "/clockToleranceSec", "value": 30}]
JSON_END
