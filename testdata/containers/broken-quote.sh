#!/bin/sh
# The closing quote of the body was lost when this was pasted from a chat.
curl -X POST "https://$TENANT/api/v1/identity-providers" \
  -H "Authorization: Bearer $QLIK_API_KEY" \
  -H 'Content-Type: application/json' \
  -d '{"provider": "external", "protocol": "jwtAuth",
       "options": {"issuer": "https://portal.acme-corp.io", "staticKeys": []}}
echo "created"
