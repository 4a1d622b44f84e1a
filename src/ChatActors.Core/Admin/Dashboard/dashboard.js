// The dashboard: one page fed by the node's server-sent events (/api/events), each a whole
// view of the cluster as JSON. No library: the charts are drawn on canvases.
"use strict";

const $ = (id) => document.getElementById(id);
const number = new Intl.NumberFormat();

function text(tag, content, className) {
  const element = document.createElement(tag);
  element.textContent = content;
  if (className) element.className = className;
  return element;
}

function showFigures(stats) {
  if (!stats) return;
  $("date").textContent = `counting for ${stats.date}`;
  $("online").textContent = number.format(stats.online);
  $("today").textContent = number.format(stats.todayCount);
  $("month").textContent = number.format(stats.monthlyCount);
  $("approaches").textContent = number.format(stats.totalApproaches);
  $("lost").textContent = number.format(stats.lostCount);
  $("rating").textContent = stats.averageRating.toFixed(2);
}

function showServers(servers) {
  const rows = servers.map((server) => {
    const row = document.createElement("tr");
    row.dataset.server = server.name;
    row.append(text("td", server.name), text("td", server.node, "quiet"), text("td", server.port));
    const load = document.createElement("td");
    const bar = document.createElement("div");
    const share = server.capacity > 0 ? Math.min(1, server.online / server.capacity) : 0;
    bar.className = share >= 1 ? "bar full" : "bar";
    bar.append(document.createElement("span"));
    bar.firstChild.style.width = `${(share * 100).toFixed(1)}%`;
    const cell = document.createElement("div");
    cell.className = "load";
    cell.append(text("span", `${server.online} / ${server.capacity}`, "online"), bar);
    load.append(cell);
    row.append(load, text("td", server.lastJoined ?? "–", server.lastJoined ? "" : "quiet"));
    return row;
  });
  $("servers").replaceChildren(...(rows.length ? rows : [emptyRow()]));
}

function emptyRow() {
  const row = document.createElement("tr");
  const cell = text("td", "no server yet", "quiet");
  cell.colSpan = 5;
  row.append(cell);
  return row;
}

function showNodes(nodes) {
  $("nodes").replaceChildren(...nodes.map((node) => {
    const item = document.createElement("li");
    const status = node.reachable ? node.status : "unreachable";
    item.append(text("span", node.address), text("span", status, `status ${status}`));
    node.roles.forEach((role) => item.append(text("span", role, "badge")));
    node.singletons.forEach((singleton) => item.append(text("span", `★ ${singleton}`, "badge")));
    return item;
  }));
}

function showEvents(events) {
  $("events").replaceChildren(...events.map((happened) => {
    const item = document.createElement("li");
    const at = new Date(happened.at);
    item.append(text("time", at.toLocaleTimeString()), document.createTextNode(happened.text));
    return item;
  }));
}

// A line chart of the last 10 minutes: the newest point at the right edge.
function drawChart(canvas, values, color) {
  const ratio = window.devicePixelRatio || 1;
  const width = canvas.clientWidth, height = canvas.clientHeight;
  canvas.width = width * ratio;
  canvas.height = height * ratio;
  const context = canvas.getContext("2d");
  context.scale(ratio, ratio);
  context.clearRect(0, 0, width, height);
  const top = Math.max(1, ...values) * 1.15;
  const step = width / 599;
  const x = (i) => width - (values.length - 1 - i) * step;
  const y = (value) => height - 4 - (value / top) * (height - 12);

  context.strokeStyle = "#263049";
  context.lineWidth = 1;
  [0.25, 0.5, 0.75].forEach((share) => {
    context.beginPath();
    context.moveTo(0, height * share);
    context.lineTo(width, height * share);
    context.stroke();
  });
  if (values.length < 2) return;

  const gradient = context.createLinearGradient(0, 0, 0, height);
  gradient.addColorStop(0, `${color}66`);
  gradient.addColorStop(1, `${color}00`);
  context.beginPath();
  values.forEach((value, i) => (i === 0 ? context.moveTo(x(i), y(value)) : context.lineTo(x(i), y(value))));
  context.strokeStyle = color;
  context.lineWidth = 2;
  context.stroke();
  context.lineTo(x(values.length - 1), height);
  context.lineTo(x(0), height);
  context.closePath();
  context.fillStyle = gradient;
  context.fill();
}

function showCharts(charts) {
  const last = (values) => (values.length ? number.format(values[values.length - 1]) : "");
  drawChart($("chart-online"), charts.online, "#5eead4");
  drawChart($("chart-lines"), charts.linesPerSecond, "#818cf8");
  drawChart($("chart-joins"), charts.joinsPerSecond, "#fbbf24");
  $("online-now").textContent = last(charts.online);
  $("lines-now").textContent = last(charts.linesPerSecond);
  $("joins-now").textContent = last(charts.joinsPerSecond);
}

let latest = null;

function show(view) {
  latest = view;
  showFigures(view.stats);
  showServers(view.servers);
  showNodes(view.nodes);
  showEvents(view.events);
  showCharts(view.charts);
}

const events = new EventSource("api/events");
events.addEventListener("view", (message) => show(JSON.parse(message.data)));
events.onopen = () => { $("connection").textContent = "live"; $("connection").className = ""; };
events.onerror = () => { $("connection").textContent = "reconnecting"; $("connection").className = "offline"; };
window.addEventListener("resize", () => latest && showCharts(latest.charts));
