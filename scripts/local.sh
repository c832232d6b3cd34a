#!/usr/bin/env bash
# Runs the system locally, end to end, from a fresh machine:
#   1. installs the pinned tools and builds the workspace;
#   2. starts moto (local AWS) and creates what template.yaml declares;
#   3. runs the functions in cargo-lambda's Lambda runtime emulator;
#   4. posts a HubSpot-signed webhook batch and shows every event arriving on the sync queue;
#   5. makes changes in the HubSpot simulator and shows the sync worker turning them into
#      Deeto's records (DynamoDB) and messages on the outbound queue (the Deeto platform's inbox);
#   6. sends the Deeto platform's commands to POST /deeto/events and shows what they wrote in
#      HubSpot;
#   7. switches webhooks off, changes HubSpot, and shows the daily reconcile repairing it all;
#   8. opens the Deeto tab (GET /card) for a reference, a company and deals, as a rep sees it,
#      and requests a reference from it;
#   9. shows that nothing outside Deeto's write scope was ever written.
# KEEP_RUNNING=1 leaves moto and the functions up afterwards (stop with `make clean-local`).
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }
cleanup() {
  [[ -n "${WATCH_PID:-}" ]] && kill -INT "$WATCH_PID" 2>/dev/null || true
  [[ -n "${SIM_PID:-}" ]] && kill "$SIM_PID" 2>/dev/null || true
  "$ROOT/scripts/moto.sh" stop
}

step "tools (pinned, into .tools/) and build"
"$ROOT/scripts/bootstrap.sh"
cargo build --workspace --bins --quiet
DEVSTACK="$CARGO_TARGET_DIR/debug/devstack"

step "local AWS: moto, with the resources template.yaml declares"
"$ROOT/scripts/moto.sh" start
[[ "${KEEP_RUNNING:-0}" == 1 ]] || trap cleanup EXIT
set -a; source "$LOCAL_DIR/moto.env"; set +a
"$DEVSTACK" provision --prefix local- --env-dir "$LOCAL_DIR" \
  --secret-value "{\"client_id\":\"local-client\",\"client_secret\":\"$LOCAL_CLIENT_SECRET\"}" \
  --function WebhookReceiverFunction --function OAuthCallbackFunction --function SyncWorkerFunction --function DeetoEventsFunction --function DailyReconcileFunction --function CrmCardFunction | tee "$LOCAL_DIR/resources.env"
set -a; source "$LOCAL_DIR/resources.env"; set +a

step "the HubSpot simulator (stands in for api.hubapi.com and app.hubspot.com)"
PORT="$(free_port)"
RECEIVER_URL="http://127.0.0.1:$PORT/lambda-url/webhook-receiver"
OAUTH_URL="http://127.0.0.1:$PORT/lambda-url/oauth-callback"
SIM_PORT="$(free_port)"
SIM="http://127.0.0.1:$SIM_PORT"
"$CARGO_TARGET_DIR/debug/hubspot-sim" --port "$SIM_PORT" --client-id local-client --client-secret "$LOCAL_CLIENT_SECRET" \
  --redirect-uri "$OAUTH_URL/oauth/callback" --webhook-target "$RECEIVER_URL/webhooks/hubspot" > "$LOCAL_DIR/hubspot-sim.log" 2>&1 &
SIM_PID=$!
wait_for_http "$SIM/_sim/health" 30
echo "HubSpot simulator: $SIM (log: .local/hubspot-sim.log)"

step "functions in the Lambda runtime emulator (cargo lambda watch)"
{
  # cargo-lambda gives every function one environment: the union of what the template declares.
  cat "$LOCAL_DIR/WebhookReceiverFunction.env" "$LOCAL_DIR/OAuthCallbackFunction.env" "$LOCAL_DIR/SyncWorkerFunction.env" "$LOCAL_DIR/DeetoEventsFunction.env" "$LOCAL_DIR/DailyReconcileFunction.env" "$LOCAL_DIR/CrmCardFunction.env" | grep -v -e '^PUBLIC_BASE_URL=' -e '^OAUTH_REDIRECT_URI=' | sort -u
  echo "PUBLIC_BASE_URL=$RECEIVER_URL"
  echo "OAUTH_REDIRECT_URI=$OAUTH_URL/oauth/callback"
  echo "HUBSPOT_API_BASE=$SIM"
  echo "HUBSPOT_AUTH_BASE=$SIM"
  for v in AWS_ENDPOINT_URL AWS_REGION AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_EC2_METADATA_DISABLED; do echo "$v=${!v}"; done
} > "$LOCAL_DIR/watch.env"
cargo lambda watch --ignore-changes -A 127.0.0.1 -P "$PORT" --env-file "$LOCAL_DIR/watch.env" > "$LOCAL_DIR/watch.log" 2>&1 &
WATCH_PID=$!
wait_for_http "http://127.0.0.1:$PORT/" 60
echo "webhook receiver: $RECEIVER_URL/webhooks/hubspot"
echo "install:          $OAUTH_URL/oauth/install?license_key=…   (log: .local/watch.log)"

step "an operator creates a tenant (deeto-hubspot tenant create)"
OPERATOR="$CARGO_TARGET_DIR/debug/deeto-hubspot"
export TABLE_NAME="$Table" TOKEN_SECRET_PREFIX="deeto-hubspot-local/hubspot/portal/"
export HUBSPOT_APP_SECRET_ID="$AppSecret" HUBSPOT_API_BASE="$SIM" HUBSPOT_AUTH_BASE="$SIM"
TENANT_JSON="$("$OPERATOR" tenant create --name "Acme Corp" --output json)"
echo "$TENANT_JSON"
LICENSE_KEY="$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["licenseKey"])' "$TENANT_JSON")"

step "the customer installs: licence key -> HubSpot authorize page -> callback"
location() { curl -s -o /dev/null -w '%{redirect_url}' "$1"; }
AUTHORIZE="$(location "$OAUTH_URL/oauth/install?license_key=$LICENSE_KEY")"
echo "1. /oauth/install answers 302 to HubSpot: ${AUTHORIZE%%\?*}?client_id=…&scope=…&state=…"
CALLBACK="$(location "$AUTHORIZE")"
echo "2. the customer approves; HubSpot redirects to ${CALLBACK%%\?*}?code=…&state=…"
echo "3. the callback answers:"
curl -s -w '\n   HTTP %{http_code}\n' "$CALLBACK" | sed -e 's/<title>[^<]*<\/title>//' -e 's/<[^>]*>/ /g' -e 's/  */ /g' | sed 's/^/   /'
echo "4. replaying the same callback is refused:"
curl -s -o /dev/null -w '   HTTP %{http_code}\n' "$CALLBACK"
"$OPERATOR" tenant list
echo "Deeto's properties now in the portal (simulator journal of HubSpot writes):"
curl -s "$SIM/_sim/journal?writesOnly=true" | python3 -c 'import json,sys; [print("  ", e["method"], e["path"], e["status"]) for e in json.load(sys.stdin)["results"]]'

step "HubSpot posts a signed batch (events/webhook-receiver/batch-body.json)"
EVENTS="$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' events/webhook-receiver/batch-body.json)"
"$DEVSTACK" post --secret "$LOCAL_CLIENT_SECRET" --url "$RECEIVER_URL/webhooks/hubspot" --body events/webhook-receiver/batch-body.json

step "a forged batch is refused"
"$DEVSTACK" post --secret "not-the-app-secret" --url "$RECEIVER_URL/webhooks/hubspot" --body events/webhook-receiver/batch-body.json || true

step "the $EVENTS events on the sync queue, as the sync worker will read them"
"$DEVSTACK" drain --queue-url "$SyncQueue" --expect "$EVENTS"

step "the same batch through \`cargo lambda invoke\` with an API Gateway v2 event"
"$DEVSTACK" sign-event --secret "$LOCAL_CLIENT_SECRET" --url "$RECEIVER_URL/webhooks/hubspot" \
  --body events/webhook-receiver/batch-body.json > "$LOCAL_DIR/webhook-event.json"
cargo lambda invoke webhook-receiver --invoke-address 127.0.0.1 --invoke-port "$PORT" --data-file "$LOCAL_DIR/webhook-event.json"
echo
"$DEVSTACK" drain --queue-url "$SyncQueue" --expect "$EVENTS" > /dev/null && echo "$EVENTS more events queued"

# Waits until the simulator has delivered every webhook it produced.
webhooks_idle() {
  for _ in $(seq 1 100); do
    curl -s "$SIM/_sim/webhooks/deliveries" | python3 -c 'import json,sys; sys.exit(0 if json.load(sys.stdin)["idle"] else 1)' && return 0
    sleep 0.2
  done
  echo "the simulator's webhooks did not finish" >&2; return 1
}
# What the SQS event source mapping does in AWS: feed the sync queue to the sync-worker Lambda.
sync_worker() {
  "$DEVSTACK" pump --queue-url "$SyncQueue" \
    --invoke-url "http://127.0.0.1:$PORT/2015-03-31/functions/sync-worker/invocations"
}
sim_json() { curl -sS -X "$1" "$SIM$2" -H 'content-type: application/json' -d "$3"; }

step "a sales rep creates a contact who is a customer; HubSpot sends signed webhooks"
ADA="$(sim_json POST /_sim/portals/62515/objects/contacts \
  '{"properties":{"email":"ada@acme.test","firstname":"Ada","lifecyclestage":"customer"}}' |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')"
echo "contact $ADA created"
webhooks_idle

step "the sync worker takes the queue (devstack pump plays SQS's event source mapping)"
sync_worker
echo "Ada is unknown to Deeto, but becoming a customer fires the campaign rule"
echo "'contact-became-customer' (config/campaign-rules.json): the outbound queue receives"
"$DEVSTACK" drain --queue-url "$OutboundQueue" --expect 1

step "Deeto makes Ada a reference (deeto-hubspot record assign); a rep changes her job title"
"$OPERATOR" record assign --portal 62515 --object contact --id "$ADA" --role reference --deeto-id ref-ada
sim_json PATCH "/_sim/portals/62515/objects/contacts/$ADA" '{"properties":{"jobtitle":"CTO","phone":"+1 555 0100"}}' > /dev/null
webhooks_idle
sync_worker
echo "the worker read Ada's mapped fields once (one batch read; phone is not mapped) and published:"
"$DEVSTACK" drain --queue-url "$OutboundQueue" --expect 1
echo "Deeto's record of Ada (deeto-hubspot record show):"
"$OPERATOR" record show --portal 62515 --object contact --id "$ADA"
echo "HubSpot calls the worker made, and proof it wrote nothing to the CRM:"
curl -s "$SIM/_sim/journal?pathContains=batch/read" | python3 -c 'import json,sys; [print("  ", e["method"], e["path"], e["status"]) for e in json.load(sys.stdin)["results"]]'
curl -s "$SIM/_sim/journal?writesOnly=true&pathPrefix=/crm/objects" | python3 -c 'import json,sys; print("   CRM object writes:", len(json.load(sys.stdin)["results"]))'

step "the rep changes the title again, twice; the older change arrives last"
curl -s "$SIM/_sim/webhooks" | python3 -c 'import json,sys; s=json.load(sys.stdin); s["outOfOrder"]=True; print(json.dumps(s))' |
  curl -sS -X PUT "$SIM/_sim/webhooks" -H 'content-type: application/json' -d @- > /dev/null
sim_json PATCH "/_sim/portals/62515/objects/contacts/$ADA" '{"properties":{"jobtitle":"Chief Scientist"}}' > /dev/null
sleep 0.05
sim_json PATCH "/_sim/portals/62515/objects/contacts/$ADA" '{"properties":{"jobtitle":"CEO"}}' > /dev/null
webhooks_idle
sync_worker
"$OPERATOR" record show --portal 62515 --object contact --id "$ADA" | grep jobtitle

step "Ada is deleted in HubSpot: Deeto's record is marked, nothing is deleted on Deeto's side"
curl -sS -X DELETE "$SIM/_sim/portals/62515/objects/contacts/$ADA" -o /dev/null
webhooks_idle
sync_worker
"$DEVSTACK" drain --queue-url "$OutboundQueue" --expect 2 | python3 -c 'import json,sys; [print("  ", json.loads(l)["type"], json.loads(l).get("changes", {}).get("jobtitle", "")) for l in sys.stdin]'

step "the Deeto platform sends commands: POST /deeto/events with the tenant's licence key"
EVENTS_URL="http://127.0.0.1:$PORT/lambda-url/deeto-events/deeto/events"
new_id() { python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])'; }
BEN="$(sim_json POST /_sim/portals/62515/objects/contacts '{"properties":{"email":"ben@acme.test","firstname":"Ben"}}' | new_id)"
ACME="$(sim_json POST /_sim/portals/62515/objects/companies '{"properties":{"name":"Acme","domain":"acme.test"}}' | new_id)"
PAT="$(sim_json POST /_sim/portals/62515/objects/contacts '{"properties":{"email":"pat@prospect.test","firstname":"Pat"}}' | new_id)"
DEAL="$(sim_json POST /_sim/portals/62515/objects/deals '{"properties":{"dealname":"Prospect Inc","dealstage":"appointmentscheduled","pipeline":"default"}}' | new_id)"
sim_json POST /_sim/portals/62515/associations "{\"fromType\":\"contacts\",\"fromId\":$BEN,\"toType\":\"companies\",\"toId\":$ACME,\"typeId\":1}" > /dev/null
sim_json POST /_sim/portals/62515/associations "{\"fromType\":\"contacts\",\"fromId\":$PAT,\"toType\":\"deals\",\"toId\":$DEAL}" > /dev/null
echo "HubSpot has Ben ($BEN) at Acme ($ACME), and Pat ($PAT) on an open deal ($DEAL)"
command() {
  printf '  %s -> ' "$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["type"])' "$1")"
  curl -sS -w ' (HTTP %{http_code})\n' -X POST "$EVENTS_URL" -H "Authorization: Bearer $LICENSE_KEY" \
    -H 'content-type: application/json' -d "$1"
}
command "{\"type\":\"reference.created\",\"id\":\"local-ref-ben\",\"contactId\":$BEN,\"deetoId\":\"ref-ben\",\"companyDeetoId\":\"co-acme\"}"
command '{"type":"lead.created","id":"local-lead-cy","deetoId":"lead-cy","email":"cy@prospect.test","firstName":"Cy","lastName":"Young","company":"Prospect Inc","jobTitle":"CFO"}'
command "{\"type\":\"connection.created\",\"id\":\"local-conn-1\",\"deetoId\":\"conn-1\",\"prospectContactId\":$PAT,\"referenceContactId\":$BEN,\"connectionType\":\"reference_call\",\"status\":\"scheduled\"}"
echo "  a wrong licence key:"
curl -sS -o /dev/null -w '  HTTP %{http_code}\n' -X POST "$EVENTS_URL" -H 'Authorization: Bearer dto_not_the_key' -d '{}'
webhooks_idle
sync_worker
webhooks_idle
sync_worker > /dev/null   # HubSpot's own webhooks for Deeto's writes
show() { curl -s "$SIM/_sim/portals/62515/objects/$1/$2" | python3 -c "import json,sys; r=json.load(sys.stdin); p=r['properties']; print('  $1 $2:', {k: p.get(k) for k in sys.argv[1:]})" "${@:3}"; }
show contacts "$BEN" email deeto_id
show companies "$ACME" name deeto_id
show deals "$DEAL" dealname deeto_id
LEAD="$(curl -s -X POST "$SIM/crm/objects/2026-09/contacts/search" -H 'content-type: application/json' -H "Authorization: Bearer $(curl -s -X POST "$SIM/_sim/portals/62515/tokens" | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')" \
  -d '{"filterGroups":[{"filters":[{"propertyName":"email","operator":"EQ","value":"cy@prospect.test"}]}]}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["results"][0]["id"])')"
show contacts "$LEAD" email firstname lastname company jobtitle deeto_id
TICKET="$(curl -s "$SIM/_sim/portals/62515/objects/deals/$DEAL" | python3 -c 'import json,sys; print(json.load(sys.stdin)["associations"]["tickets"]["results"][0]["id"])')"
show tickets "$TICKET" subject hs_pipeline hs_pipeline_stage deeto_id deeto_status deeto_type
echo "Deeto's inbox: the records these commands made relevant (reference, company, prospect, deal,"
echo "lead), read once from HubSpot and now kept current by the sync worker:"
"$DEVSTACK" drain --queue-url "$OutboundQueue" --expect 5

step "webhooks are lost: changes HubSpot never reports, repaired by the daily reconcile"
webhook_target() {
  curl -s "$SIM/_sim/webhooks" | python3 -c 'import json,sys; s=json.load(sys.stdin); s["targetUrl"]=sys.argv[1] or None; print(json.dumps(s))' "$1" |
    curl -sS -X PUT "$SIM/_sim/webhooks" -H 'content-type: application/json' -d @- > /dev/null
}
webhook_target ""
sim_json PATCH "/_sim/portals/62515/objects/contacts/$BEN" '{"properties":{"jobtitle":"VP Engineering","deeto_id":""}}' > /dev/null
curl -sS -X DELETE "$SIM/_sim/portals/62515/objects/tickets/$TICKET" -o /dev/null
DEE="$(sim_json POST /_sim/portals/62515/objects/contacts '{"properties":{"email":"dee@prospect.test","firstname":"Dee"}}' | new_id)"
sim_json POST /_sim/portals/62515/associations "{\"fromType\":\"contacts\",\"fromId\":$DEE,\"toType\":\"deals\",\"toId\":$DEAL}" > /dev/null
GUS="$(sim_json POST /_sim/portals/62515/objects/contacts '{"properties":{"email":"gus@acme.test","firstname":"Gus","lifecyclestage":"customer"}}' | new_id)"
echo "  with webhooks off: Ben's title changed and his deeto_id wiped, the ticket removed, Dee ($DEE)"
echo "  added to the deal, Gus ($GUS) created as a customer"
echo "EventBridge's daily schedule fires (cargo lambda invoke daily-reconcile):"
cargo lambda invoke daily-reconcile --invoke-address 127.0.0.1 --invoke-port "$PORT" \
  --data-file events/daily-reconcile/scheduled.json
echo
sync_worker
show contacts "$BEN" jobtitle deeto_id
"$OPERATOR" record show --portal 62515 --object contact --id "$BEN" | grep jobtitle
TICKET="$(curl -s "$SIM/_sim/portals/62515/objects/deals/$DEAL" | python3 -c 'import json,sys; print(json.load(sys.stdin)["associations"]["tickets"]["results"][0]["id"])')"
echo "  the removed ticket, re-created:"
show tickets "$TICKET" deeto_id deeto_status deeto_type
"$OPERATOR" record show --portal 62515 --object contact --id "$DEE" | grep -i -e deal -e email
echo "Deeto's inbox: Ben's new title, Dee the new prospect, Gus's campaign enrollment, ..."
"$DEVSTACK" drain --queue-url "$OutboundQueue" --expect 3 --timeout-secs 5 | python3 -c 'import json,sys; [print("  ", json.loads(l)["type"], json.loads(l).get("objectId", json.loads(l).get("contactId", ""))) for l in sys.stdin]'
echo "the run's checkpoint (deeto-hubspot reconcile 62515 --status):"
"$OPERATOR" reconcile 62515 --status
webhook_target "$RECEIVER_URL/webhooks/hubspot"

step "the connection completes (connection.updated); a replayed command changes nothing"
command '{"type":"connection.updated","id":"local-conn-1-done","deetoId":"conn-1","status":"completed"}'
command "{\"type\":\"reference.created\",\"id\":\"local-ref-ben\",\"contactId\":$BEN,\"deetoId\":\"ref-ben\",\"companyDeetoId\":\"co-acme\"}"
WRITES_BEFORE="$(curl -s "$SIM/_sim/journal?writesOnly=true" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["results"]))')"
sync_worker
show tickets "$TICKET" deeto_status deeto_type
echo "  HubSpot writes by that batch: $(( $(curl -s "$SIM/_sim/journal?writesOnly=true" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["results"]))') - WRITES_BEFORE )) (the ticket update; the replay wrote nothing)"

step "a sales rep opens the Deeto tab: the app card's GET /card, signed as hubspot.fetch signs it"
# Behind API Gateway every function shares one public base; under cargo lambda watch each has
# its own path, so requests are signed for the shared base (PUBLIC_BASE_URL) and sent to the
# card's own address.
CARD_URL="http://127.0.0.1:$PORT/lambda-url/crm-card"
HUBSPOT_PARAMS="userId=7&userEmail=rep%40acme.test&appId=54321&portalId=62515"
card() { "$DEVSTACK" fetch --secret "$LOCAL_CLIENT_SECRET" --url "$CARD_URL$1" --signed-for "$RECEIVER_URL$1" "${@:3}" | python3 scripts/show_card.py "$2"; }
sim_json PATCH "/_sim/portals/62515/objects/companies/$ACME" '{"properties":{"industry":"COMPUTER_SOFTWARE","numberofemployees":"300"}}' > /dev/null
webhooks_idle
sync_worker > /dev/null
"$DEVSTACK" drain --queue-url "$OutboundQueue" --expect 1 > /dev/null   # Acme's new industry, for Deeto
NEXT="$(sim_json POST /_sim/portals/62515/objects/deals '{"properties":{"dealname":"Next Corp","dealstage":"appointmentscheduled","pipeline":"default"}}' | new_id)"
card "/card?objectType=contact&objectId=$BEN&$HUBSPOT_PARAMS" "contact Ben (a reference)"
card "/card?objectType=company&objectId=$ACME&$HUBSPOT_PARAMS" "company Acme"
card "/card?objectType=deal&objectId=$DEAL&$HUBSPOT_PARAMS" "deal $DEAL (Ben's connection)"
echo "  a new deal ($NEXT); the card sends its company's industry and size:"
card "/card?objectType=deal&objectId=$NEXT&industry=COMPUTER_SOFTWARE&companySize=250&$HUBSPOT_PARAMS" "deal $NEXT"
echo "  Ben's tab opened again within the cool-down queues no second sync:"
card "/card?objectType=contact&objectId=$BEN&$HUBSPOT_PARAMS" "contact Ben"
echo "  a portal that never installed Deeto:"
card "/card?objectType=contact&objectId=1&userId=7&portalId=4242" "contact 1"
echo "  a forged request:"
"$DEVSTACK" fetch --secret not-the-app-secret --url "$CARD_URL/card?objectType=contact&objectId=$BEN&$HUBSPOT_PARAMS" \
  --signed-for "$RECEIVER_URL/card?objectType=contact&objectId=$BEN&$HUBSPOT_PARAMS" 2>&1 | sed 's/^/  /' || true
echo "the sync queue now holds HubSpot's webhooks for the new deal, and a rebuild of the tab's"
echo "reference pool (built before Acme's industry reached Deeto, so it matched nobody); the opened"
echo "records were synced under a minute ago (fresh) or inline, so no on-demand sync was queued:"
sync_worker

step "the rep clicks \"Request reference\" for Ben on the new deal"
echo "{\"dealId\":\"$NEXT\",\"referenceContactId\":\"$BEN\"}" > "$LOCAL_DIR/request-reference.json"
ACTION="/card/actions/request-reference?$HUBSPOT_PARAMS"
for attempt in first again; do
  printf '  %s click: ' "$attempt"
  "$DEVSTACK" fetch --secret "$LOCAL_CLIENT_SECRET" --method POST --url "$CARD_URL$ACTION" \
    --signed-for "$RECEIVER_URL$ACTION" --body "$LOCAL_DIR/request-reference.json"
done
echo "Deeto's inbox receives the request once:"
"$DEVSTACK" drain --queue-url "$OutboundQueue" --expect 1 --timeout-secs 5
card "/card?objectType=deal&objectId=$NEXT&industry=COMPUTER_SOFTWARE&companySize=250&$HUBSPOT_PARAMS" "deal $NEXT"
echo "the same tab through \`cargo lambda invoke\` with an API Gateway v2 event:"
"$DEVSTACK" sign-fetch --secret "$LOCAL_CLIENT_SECRET" --url "$RECEIVER_URL/card?objectType=company&objectId=$ACME&$HUBSPOT_PARAMS" > "$LOCAL_DIR/card-event.json"
cargo lambda invoke crm-card --invoke-address 127.0.0.1 --invoke-port "$PORT" --data-file "$LOCAL_DIR/card-event.json" |
  python3 -c 'import json,sys; r=json.load(sys.stdin); print("HTTP", r["statusCode"]); sys.stdout.write(r["body"])' | { read -r line; echo "  $line"; python3 scripts/show_card.py "company Acme"; }

step "Deeto's write scope: every write HubSpot received in this run, and DELETE requests"
curl -s "$SIM/_sim/journal?writesOnly=true" | python3 -c '
import json, sys
from collections import Counter
entries = json.load(sys.stdin)["results"]
for (method, path), n in sorted(Counter((e["method"], "/".join(p if not p.isdigit() else "{id}" for p in e["path"].split("/"))) for e in entries).items()):
    print(f"  {n:>3}  {method} {path}")'
curl -s "$SIM/_sim/journal?method=DELETE" | python3 -c 'import json,sys; print("   DELETE requests:", len(json.load(sys.stdin)["results"]))'

step "done"
if [[ "${KEEP_RUNNING:-0}" == 1 ]]; then
  echo "still running: moto at $AWS_ENDPOINT_URL, functions at http://127.0.0.1:$PORT (make clean-local stops them)"
fi
