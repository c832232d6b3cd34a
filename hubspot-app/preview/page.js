// The HubSpot-looking frame around each rendered card: a record header and the tab strip
// with the Deeto tab selected.
const CSS = `
* { box-sizing: border-box; }
body { margin: 0; background: #f5f8fa; color: #33475b; font: 14px/1.5 "Lexend Deca", "Helvetica Neue", Arial, sans-serif; }
.topbar { background: #2d3e50; color: #fff; padding: 10px 24px; font-weight: 600; }
.topbar span { opacity: .7; font-weight: 400; margin-left: 12px; }
.grid { display: grid; grid-template-columns: 1fr 1fr; gap: 16px; padding: 16px; }
.record { background: #fff; border: 1px solid #dfe3eb; border-radius: 4px; }
.record-head { padding: 14px 20px 0; }
.record-type { font-size: 12px; text-transform: uppercase; color: #7c98b6; letter-spacing: .04em; }
.record-name { font-size: 18px; font-weight: 600; margin: 2px 0 10px; }
.tabs { display: flex; gap: 22px; border-bottom: 1px solid #dfe3eb; padding: 0 20px; }
.tabs span { padding: 8px 0; color: #516f90; }
.tabs .active { color: #33475b; font-weight: 600; border-bottom: 3px solid #0091ae; }
.card { margin: 16px 20px 20px; border: 1px solid #dfe3eb; border-radius: 4px; }
.card-title { padding: 10px 16px; border-bottom: 1px solid #dfe3eb; font-weight: 600; }
.card-body { padding: 16px; }
.flex { display: flex; } .dir-column { flex-direction: column; } .dir-row { flex-direction: row; }
.justify-between { justify-content: space-between; } .justify-center { justify-content: center; } .justify-end { justify-content: flex-end; }
.align-center { align-items: center; } .wrap { flex-wrap: wrap; }
.gap-extra-small { gap: 4px; } .gap-small { gap: 8px; } .gap-medium { gap: 16px; } .gap-large { gap: 24px; }
.text { margin: 0; } .microcopy { font-size: 12px; color: #516f90; } .fw-demibold { font-weight: 600; } .fw-bold { font-weight: 700; }
.heading { margin: 0; font-size: 15px; font-weight: 600; }
.divider { border: 0; border-top: 1px solid #dfe3eb; margin: 0; width: 100%; }
.button { display: inline-block; border-radius: 3px; padding: 7px 16px; font: inherit; font-weight: 600; text-decoration: none; border: 1px solid #ff7a59; cursor: pointer; white-space: nowrap; }
.button.primary { background: #ff7a59; color: #fff; } .button.secondary { background: #fff; color: #ff5c35; }
.button.size-small { padding: 3px 10px; font-size: 12px; } .button.disabled { opacity: .5; }
.status-tag { display: inline-flex; align-items: center; gap: 6px; font-size: 13px; }
.status-tag i { width: 8px; height: 8px; border-radius: 50%; background: #7c98b6; }
.status-tag.success i { background: #00bda5; } .status-tag.info i { background: #0091ae; } .status-tag.warning i { background: #f5c26b; } .status-tag.danger i { background: #f2545b; }
.tag { display: inline-block; font-size: 12px; padding: 1px 8px; border-radius: 3px; border: 1px solid #cbd6e2; background: #f5f8fa; }
.tag.success { background: #e5f8f6; border-color: #7fded2; } .tag.info { background: #e5f5f8; border-color: #7fd1de; }
.tile { border: 1px solid #dfe3eb; border-radius: 4px; padding: 12px 14px; background: #fff; }
.alert { border-left: 4px solid #0091ae; background: #e5f5f8; padding: 8px 12px; border-radius: 3px; }
.alert.success { border-color: #00bda5; background: #e5f8f6; } .alert.danger { border-color: #f2545b; background: #fde8e9; }
.empty-state { display: flex; flex-direction: column; align-items: center; text-align: center; gap: 12px; padding: 24px 12px; }
.empty-state h2 { margin: 0; font-size: 18px; }
.empty-state .illustration { width: 96px; height: 72px; border-radius: 8px; background: linear-gradient(135deg, #cbd6e2, #eaf0f6); }
.spinner { color: #516f90; text-align: center; padding: 24px; }
.description-list { display: flex; gap: 40px; margin: 0; } .description-list dt { font-size: 12px; color: #516f90; } .description-list dd { margin: 2px 0 0; }
.table { width: 100%; border-collapse: collapse; font-size: 13px; }
.table th { text-align: left; background: #f5f8fa; font-size: 11px; text-transform: uppercase; color: #516f90; letter-spacing: .04em; }
.table th, .table td { border: 1px solid #dfe3eb; padding: 7px 10px; vertical-align: top; }
.unknown { outline: 1px dashed #f2545b; }
`;

const TABS = ['Overview', 'Activities', 'Deeto references'];

export function recordPanel({ type, name, cardHtml }) {
  const tabs = TABS.map((t, i) => `<span class="${i === TABS.length - 1 ? 'active' : ''}">${t}</span>`).join('');
  return `<section class="record">
  <div class="record-head"><div class="record-type">${type}</div><div class="record-name">${name}</div></div>
  <nav class="tabs">${tabs}</nav>
  <div class="card"><div class="card-title">Deeto references</div><div class="card-body">${cardHtml}</div></div>
</section>`;
}

export function page(panels) {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Deeto app card preview</title><style>${CSS}</style></head>
<body><div class="topbar">HubSpot<span>Deeto app card preview, rendered from src/app/cards/fixtures by the card's own components</span></div>
<main class="grid">${panels.join('\n')}</main></body></html>
`;
}
