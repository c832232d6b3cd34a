#!/usr/bin/env python3
"""Prints a GET /card answer (JSON on stdin) the way a sales rep reads the Deeto tab."""
import json
import sys

answer = json.load(sys.stdin)
label = sys.argv[1] if len(sys.argv) > 1 else "record"
state = answer.get("state")
if state != "ready":
    print(f"  {label}: [{state}] {answer['title']}: {answer['message']} -> {answer['action']['label']}")
    sys.exit(0)
sync = answer["sync"]
print(f"  {label}  (sync: {sync['status']}, last synced {sync['lastSyncedAt'] or 'never'})")


def connections(items):
    for c in items:
        print(f"    connection {c['connectionId']}: {c['typeLabel']}, {c['status']} (deal {c['dealId']}, ticket {c['ticketId']})")
    if not items:
        print("    no connections yet")


if "contact" in answer:
    contact = answer["contact"]
    print(f"    Deeto status: {contact['referenceStatus']}   Deeto Id: {contact['deetoId'] or '-'}")
    connections(contact["connections"])
elif "company" in answer:
    references = answer["company"]["references"]
    for r in references:
        last = r["lastActivity"]
        activity = f"{last['typeLabel']}, {last['status']}" if last else "none yet"
        print(f"    reference {r['name']} <{r['email'] or '-'}>: {r['connections']} connection(s), last: {activity}")
    if not references:
        print("    no references at this company")
else:
    deal = answer["deal"]
    connections(deal["connections"])
    criteria = deal["matchCriteria"]
    print(f"    suggested references (industry {criteria['industry']}, size {criteria['companySize']}):")
    for s in deal["suggestions"]:
        state = "requested" if s["requested"] else "[Request reference]"
        print(f"      {s['name']} at {s['company'] or '-'}: matched on {', '.join(s['matchedOn'])}  {state}")
    if not deal["suggestions"]:
        print("      none match")
