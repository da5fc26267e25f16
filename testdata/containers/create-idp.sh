#!/usr/bin/env bash
# Creates the staff identity providers on the Qlik tenant and on IONOS.
# Usage: TENANT=acme.eu.qlikcloud.com QLIK_API_KEY=... ./create-idp.sh
set -euo pipefail

TENANT="${TENANT:?set TENANT}"
TENANT_ID="${TENANT_ID:?set TENANT_ID}"

# A space for the analytics team: not an identity provider, not linted.
curl -sS -X POST "https://${TENANT}/api/v1/spaces" \
  -H "Authorization: Bearer ${QLIK_API_KEY}" \
  -H 'Content-Type: application/json' \
  -d '{"name": "analytics", "type": "shared"}'

# The JWT identity provider for the embedded web app.
curl -sS -X POST "https://${TENANT}/api/v1/identity-providers" \
  -H "Authorization: Bearer ${QLIK_API_KEY}" \
  -H 'Content-Type: application/json' \
  -d '{"tenantIds": ["'"${TENANT_ID}"'"], "provider": "external", "protocol": "jwtAuth",
       "description": "Deferred auth for the portal",
       "options": {"issuer": "https://portal.acme-corp.io", "clockToleranceSec": 9000,
                   "staticKeys": [{"kid": "portal-2026", "pem": "'"$(cat keys/portal.pem)"'"}]}}'

# Okta for staff, from a heredoc.
curl -sS --request POST "https://${TENANT}/api/v1/identity-providers" \
  --header "Authorization: Bearer ${QLIK_API_KEY}" \
  --header 'Content-Type: application/json' \
  --data-binary @- <<EOF
{
  "tenantIds": ["${TENANT_ID}"],
  "provider": "Okta",
  "protocol": "OIDC",
  "interactive": true,
  "pendingOptions": {
    "discoveryUrl": "https://acme.okta.com/.well-known/openid-configuration",
    "clientId": "${OKTA_CLIENT_ID}",
    "clientSecret": "${OKTA_CLIENT_SECRET}",
    "claimsMapping": {"sub": ["sub"], "email": "email"}
  }
}
EOF

# Later: rename it (the id comes from the create's answer).
IDP_ID=$(curl -sS "https://${TENANT}/api/v1/identity-providers" -H "Authorization: Bearer ${QLIK_API_KEY}" | jq -r '.data[0].id')
curl -sS -X PUT "https://${TENANT}/api/v1/identity-providers/${IDP_ID}" \
  -H "Authorization: Bearer ${QLIK_API_KEY}" \
  -H 'Content-Type: application/json' \
  -d '[{"op": "replace", "path": "/description", "value": "Staff login"}]'

# The IONOS federation for the same staff.
curl --location --request POST 'https://iam.ionos.com/federation/identityproviders' \
--header 'Authorization: Bearer eyJ0eXAiOiJKV1QiLCJraWQiOiI3ZjE2In0.eyJpc3MiOiJpb25vc2Nsb3VkIn0.c2lnbmF0dXJl' \
--header 'Content-Type: application/json' \
--data "{
    \"properties\": {
        \"name\": \"Acme staff\",
        \"type\": \"OIDC\",
        \"enabled\": true,
        \"domain\": \"https://acme-corp.io\",
        \"configuration\": {
            \"oidc\": {
                \"clientName\": \"ionos\",
                \"clientSecret\": \"\$IONOS_CLIENT_SECRET\",
                \"authorizationUrl\": \"https://acme.okta.com/oauth2/v1/authorize\",
                \"tokenUrl\": \"https://acme.okta.com/oauth2/v1/token\",
                \"userInfoUrl\": \"https://acme.okta.com/oauth2/v1/userinfo\",
                \"jwksUrl\": \"https://acme.okta.com/oauth2/v1/keys\",
                \"issuer\": \"https://acme.okta.com\"
            }
        }
    }
}"
