/* The classroom board on the projector: the room's runs, redrawn as they arrive.
 *
 * Reads `api/board?metric=M` every 1.5 s (a 304 answer means nothing changed) and draws the
 * `summary` the server computed (neurona.classroom.summary) as four panels of SVG.
 * Every word comes from the `labels` JSON the server put in the page (neurona.classroom.labels),
 * every name a student typed goes into the page as text (`textContent`), never as HTML.
 * No external file, no inline script or style: the page runs under `default-src 'self'`.
 */
(function () {
  "use strict";

  var POLL_MS = 1500;
  var REQUEST_MS = 6000; // the longest wait for one answer
  var SVG = "http://www.w3.org/2000/svg";
  // The kit's palette (neurona.plots.style.PALETTE, Okabe & Ito), in the same order.
  var PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#000000",
    "#F0E442"];
  var WRONG = "#D55E00"; // style.WRONG_COLOR: a run with no finite value
  var INK = "#222222";
  var GRID = "#e3e3e3";
  var CHART_HEIGHT = 330;

  var labels = JSON.parse(document.getElementById("labels").textContent);
  var state = { metric: null, etag: null, board: null, timer: null, failures: 0 };

  // -- words and numbers -----------------------------------------------------------------
  function word(key, fields) {
    var text = Object.prototype.hasOwnProperty.call(labels, key) ? labels[key] : key;
    if (fields) {
      text = text.replace(/\{(\w+)\}/g, function (all, name) {
        return Object.prototype.hasOwnProperty.call(fields, name) ? String(fields[name]) : all;
      });
    }
    return text;
  }

  function sentence(text) {
    // A title starts with a capital, also when it starts with a metric's name ("{metric} final").
    return text.charAt(0).toUpperCase() + text.slice(1);
  }

  function plainName(name) {
    return String(name).replace(/_/g, " ");
  }

  function metricName(name) {
    if (name === null || name === undefined) return word("metric"); // nothing recorded yet
    if (labels["metric:" + name] !== undefined) return labels["metric:" + name];
    if (/^val_./.test(name)) return word("validation", { metric: metricName(name.slice(4)) });
    return plainName(name);
  }

  function paramName(name) {
    if (labels["param:" + name] !== undefined) return labels["param:" + name];
    return plainName(name);
  }

  function isNumber(v) {
    return typeof v === "number" && isFinite(v);
  }

  function grouped(text) {
    // Thousands of the integer part, with the kit's separator for its language.
    var parts = text.split(".");
    parts[0] = parts[0].replace(/\B(?=(\d{3})+(?!\d))/g, labels.thousands || ",");
    return parts.join(".");
  }

  function num(v) {
    // A number in 3-4 significant digits, as a student reads it.
    if (v === null || v === undefined) return "–";
    if (typeof v !== "number") return String(v);
    if (!isFinite(v)) return "–";
    if (v === 0) return "0";
    var a = Math.abs(v);
    if (a >= 1e-4 && a < 1e6) return grouped(String(Number(v.toPrecision(4))));
    var e = v.toExponential(2).replace(/\.?0+e/, "e").replace("e+", "e");
    return e;
  }

  function count(v) {
    // Samples per second: whole, 4 significant digits, thousands grouped.
    if (!isNumber(v)) return "–";
    return grouped(String(Math.round(v >= 1e4 ? Number(v.toPrecision(4)) : v)));
  }

  function valueText(v) {
    if (v === null || v === undefined) return word("none");
    return typeof v === "number" ? num(v) : String(v);
  }

  // -- DOM helpers (text only, never HTML) ------------------------------------------------
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function svgEl(tag, attrs, text) {
    var node = document.createElementNS(SVG, tag);
    for (var k in attrs) {
      if (Object.prototype.hasOwnProperty.call(attrs, k)) node.setAttribute(k, String(attrs[k]));
    }
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
    return node;
  }

  function tip(node, text) {
    var t = document.createElementNS(SVG, "title");
    t.textContent = text;
    node.appendChild(t);
    return node;
  }

  // -- scales and ticks ------------------------------------------------------------------
  function niceTicks(lo, hi, n) {
    if (!(hi > lo)) {
      var pad = lo === 0 ? 1 : Math.abs(lo) * 0.1;
      lo -= pad;
      hi += pad;
    }
    var raw = (hi - lo) / n;
    var mag = Math.pow(10, Math.floor(Math.log10(raw)));
    var step = [1, 2, 2.5, 5, 10].map(function (m) { return m * mag; })
      .filter(function (s) { return s >= raw; })[0];
    var first = Math.ceil(lo / step - 1e-9) * step;
    var ticks = [];
    for (var t = first; t <= hi + step * 1e-9; t += step) ticks.push(Number(t.toPrecision(12)));
    return { lo: lo, hi: hi, ticks: ticks };
  }

  function linear(lo, hi, a, b) {
    var f = function (v) { return a + (v - lo) / (hi - lo || 1) * (b - a); };
    return f;
  }

  function logScale(lo, hi, a, b) {
    var l = Math.log10(lo), h = Math.log10(hi);
    return function (v) { return a + (Math.log10(v) - l) / (h - l || 1) * (b - a); };
  }

  function yDomain(values) {
    // A few far-off values (a diverged run's loss of 200 beside everyone's 0.3) must not
    // flatten everyone else: the scale then covers the bulk, and they are drawn at its edge.
    var v = values.filter(isNumber).sort(function (x, y) { return x - y; });
    if (!v.length) return null;
    var lo = v[0], hi = v[v.length - 1];
    var clipped = false;
    if (v.length >= 5) {
      var q1 = v[Math.floor(0.25 * (v.length - 1))], q3 = v[Math.ceil(0.75 * (v.length - 1))];
      var reach = 3 * (q3 - q1);
      var inner = v.filter(function (x) { return x >= q1 - reach && x <= q3 + reach; });
      var a = inner[0], b = inner[inner.length - 1];
      if (hi - lo > 4 * Math.max(b - a, 1e-12)) {
        clipped = lo < a || hi > b;
        lo = a;
        hi = b;
      }
    }
    var pad = (hi - lo) * 0.06 || Math.abs(hi) * 0.05 || 0.5;
    var d = niceTicks(lo - pad, hi + pad, 5);
    d.clipped = clipped;
    return d;
  }

  function dot(plot, f, y, domain, x, v, r, fill, opacity, label) {
    // A value on the scale is a dot; one beyond it, a triangle at the edge pointing away.
    var node;
    if (v > domain.hi || v < domain.lo) {
      var up = v > domain.hi;
      var edge = up ? f.m.top + 2 : f.h - f.m.bottom - 2;
      var tipY = edge, baseY = up ? edge + 11 : edge - 11;
      node = svgEl("path", {
        d: "M" + x + "," + tipY + "L" + (x - 7) + "," + baseY + "L" + (x + 7) + "," + baseY + "Z",
        fill: fill, stroke: "#fff", "stroke-width": 1, class: "dot off-scale"
      });
    } else {
      node = svgEl("circle", {
        cx: x, cy: y(v), r: r, fill: fill, "fill-opacity": opacity, stroke: "#fff",
        "stroke-width": 1, class: "dot"
      });
    }
    plot.appendChild(tip(node, label));
    return node;
  }

  // -- one chart frame --------------------------------------------------------------------
  function frame(box, yTitle, opts) {
    var width = Math.max(260, box.clientWidth || 600);
    var height = opts && opts.height ? opts.height : CHART_HEIGHT;
    var m = { left: 72, right: 16, top: 12, bottom: (opts && opts.bottom) || 52 };
    var title = box.parentNode.querySelector("h2");
    var svg = svgEl("svg", {
      width: width, height: height, viewBox: "0 0 " + width + " " + height, role: "img",
      "aria-label": title ? title.textContent : yTitle,
      "font-size": 15, "font-family": "inherit"
    });
    var clipId = "clip-" + box.parentNode.id;
    var defs = svgEl("defs", {});
    var clip = svgEl("clipPath", { id: clipId });
    clip.appendChild(svgEl("rect", {
      x: m.left, y: m.top - 4, width: width - m.left - m.right,
      height: height - m.top - m.bottom + 8
    }));
    defs.appendChild(clip);
    svg.appendChild(defs);
    svg.appendChild(svgEl("text", {
      x: 16, y: (height - m.bottom + m.top) / 2, "text-anchor": "middle", fill: INK,
      transform: "rotate(-90 16 " + (height - m.bottom + m.top) / 2 + ")"
    }, yTitle));
    clear(box).appendChild(svg);
    return { svg: svg, w: width, h: height, m: m, clip: "url(#" + clipId + ")" };
  }

  function yAxis(f, domain) {
    var y = linear(domain.lo, domain.hi, f.h - f.m.bottom, f.m.top);
    domain.ticks.forEach(function (t) {
      if (t < domain.lo || t > domain.hi) return;
      f.svg.appendChild(svgEl("line", {
        x1: f.m.left, x2: f.w - f.m.right, y1: y(t), y2: y(t), stroke: GRID
      }));
      f.svg.appendChild(svgEl("text", {
        x: f.m.left - 8, y: y(t) + 5, "text-anchor": "end", fill: INK
      }, num(t)));
    });
    f.svg.appendChild(svgEl("line", {
      x1: f.m.left, x2: f.m.left, y1: f.m.top, y2: f.h - f.m.bottom, stroke: "#999"
    }));
    return y;
  }

  function xTick(f, x, text, rotate, below) {
    var y0 = f.h - f.m.bottom + (below || 0);
    if (!below) {
      f.svg.appendChild(svgEl("line", { x1: x, x2: x, y1: y0, y2: y0 + 5, stroke: "#999" }));
    }
    var attrs = {
      x: x, y: y0 + 21, "text-anchor": "middle", fill: INK, "font-weight": below ? 600 : 400
    };
    if (rotate) {
      attrs["text-anchor"] = "end";
      attrs.y = y0 + 14;
      attrs.transform = "rotate(-35 " + x + " " + (y0 + 14) + ")";
    }
    f.svg.appendChild(svgEl("text", attrs, text));
  }

  function xTitle(f, text) {
    f.svg.appendChild(svgEl("line", {
      x1: f.m.left, x2: f.w - f.m.right, y1: f.h - f.m.bottom, y2: f.h - f.m.bottom, stroke: "#999"
    }));
    f.svg.appendChild(svgEl("text", {
      x: (f.m.left + f.w - f.m.right) / 2, y: f.h - 6, "text-anchor": "middle", fill: INK
    }, text));
  }

  function empty(box, text) {
    clear(box).appendChild(el("p", "empty", text));
  }

  // -- colours by assigned value ----------------------------------------------------------
  function groupKey(v) {
    return v === null || v === undefined ? "\u0000none" : typeof v + ":" + String(v);
  }

  function colours(summary) {
    var map = {};
    (summary.groups || []).forEach(function (g, k) {
      map[groupKey(g.value)] = PALETTE[k % PALETTE.length];
    });
    return function (v) { return map[groupKey(v)] || PALETTE[0]; };
  }

  function jitter(i, n) {
    // Spread dots of one group sideways, the same way on every redraw.
    if (n <= 1) return 0;
    return ((i % 7) - 3) / 3;
  }

  // -- panel 1: the metric against the assigned parameter -------------------------------------
  function xPositions(summary, f) {
    var groups = summary.groups || [];
    var values = groups.map(function (g) { return g.value; });
    var numeric = values.length && values.every(isNumber);
    var a = f.m.left + 28, b = f.w - f.m.right - 28;
    if (numeric && values.length > 1) {
      var lo = Math.min.apply(null, values), hi = Math.max.apply(null, values);
      var scale = summary.log_x && lo > 0 ? logScale(lo, hi, a, b) : linear(lo, hi, a, b);
      return { at: function (v) { return scale(v); }, values: values, band: 0, numeric: true };
    }
    var band = (b - a + 56) / Math.max(1, values.length);
    var index = {};
    values.forEach(function (v, k) { index[groupKey(v)] = k; });
    return {
      at: function (v) { return f.m.left + band * (index[groupKey(v)] + 0.5); },
      values: values, band: band, numeric: false
    };
  }

  function drawAgainst(panel, summary) {
    var box = panel.querySelector(".chart");
    var title = panel.querySelector("h2");
    var note = panel.querySelector(".note");
    var metric = metricName(summary.metric);
    var param = summary.param;
    title.textContent = sentence(param ? word("against_title", {
      metric: metric, param: paramName(param)
    }) : word("by_student_title", { metric: metric }));
    var points = summary.points || [];
    note.textContent = "";
    if (!points.length) {
      empty(box, state.board && state.board.runs && state.board.runs.length ? word("no_metric")
        : word("no_runs"));
      return;
    }
    if (!param) {
      drawByStudent(box, summary, note);
      return;
    }
    var colour = colours(summary);
    var finals = points.map(function (p) { return p.final; });
    (summary.groups || []).forEach(function (g) { finals.push(g.min, g.max); });
    var domain = yDomain(finals) || niceTicks(0, 1, 4);
    // A grid of two parameters: within each value of the first, one column per value of the
    // second, labelled under the axis.
    var second = secondParam(summary, points);
    var f = frame(box, metric, second ? { bottom: 74 } : {});
    var y = yAxis(f, domain);
    var xs = xPositions(summary, f);
    var rotate = !xs.numeric && xs.values.some(function (v) { return valueText(v).length > 6; })
      && xs.band < 90;
    if (rotate) {
      f = frame(box, metric, { bottom: second ? 118 : 96 });
      y = yAxis(f, domain);
      xs = xPositions(summary, f);
    }
    var below = second ? 20 : 0;
    xs.values.forEach(function (v) { xTick(f, xs.at(v), valueText(v), rotate, below); });
    xTitle(f, rotate ? "" : summary.log_x ? word("log_axis", { param: paramName(param) })
      : paramName(param));
    var plot = svgEl("g", { "clip-path": f.clip });
    f.svg.appendChild(plot);
    // The group means, joined: the trend across the values.
    var means = (summary.groups || []).filter(function (g) { return isNumber(g.mean); });
    if (means.length > 1 && xs.numeric && param !== "seed") { // seeds have no order to follow
      plot.appendChild(svgEl("polyline", {
        points: means.map(function (g) { return xs.at(g.value) + "," + y(g.mean); }).join(" "),
        fill: "none", stroke: "#777", "stroke-width": 1.5, "stroke-dasharray": "5 4"
      }));
    }
    (summary.groups || []).forEach(function (g) {
      if (!isNumber(g.mean)) return;
      var x = xs.at(g.value);
      if (isNumber(g.min) && isNumber(g.max)) {
        plot.appendChild(svgEl("line", {
          x1: x, x2: x, y1: y(g.min), y2: y(g.max), stroke: colour(g.value), "stroke-width": 8,
          "stroke-opacity": 0.25, "stroke-linecap": "round"
        }));
      }
      plot.appendChild(tip(svgEl("line", {
        x1: x - 16, x2: x + 16, y1: y(g.mean), y2: y(g.mean), stroke: colour(g.value),
        "stroke-width": 4, class: "mean"
      }), word("mean") + " " + num(g.mean)));
    });
    var gap = xs.band || xs.values.reduce(function (g, v, k) {
      return k ? Math.min(g, Math.abs(xs.at(v) - xs.at(xs.values[k - 1]))) : g;
    }, 120);
    var step = second ? Math.min(56, gap / (second.values.length + 0.5)) : 0;
    var shift = function (p) {
      if (!second) return 0;
      return (second.index(p.value2) - (second.values.length - 1) / 2) * step;
    };
    if (second) {
      xs.values.forEach(function (v) {
        second.values.forEach(function (v2, k) {
          f.svg.appendChild(svgEl("text", {
            x: xs.at(v) + (k - (second.values.length - 1) / 2) * step,
            y: f.h - f.m.bottom + 19, "text-anchor": "middle", fill: "#666", "font-size": 14
          }, valueText(v2)));
        });
      });
    }
    var seen = {};
    var bad = 0;
    points.forEach(function (p) {
      var key = groupKey(p.value) + "|" + groupKey(p.value2);
      var i = seen[key] = (seen[key] || 0) + 1;
      var x = xs.at(p.value) + shift(p) + jitter(i, 2) * (second ? 4 : 10);
      var label = p.student + " · " + valueText(p.value) + " → " + num(p.final);
      if (isNumber(p.final)) {
        dot(f.svg, f, y, domain, x, p.final, 6, colour(p.value), 0.85, label);
      } else {
        bad += 1;
        plot.appendChild(tip(cross(x, f.m.top + 8, WRONG), label));
      }
    });
    note.textContent = [word("one_dot")].concat(
      second ? [word("within", { param: paramName(second.name) })] : [],
      bad ? [word("no_value")] : [],
      domain.clipped ? [word("off_scale")] : [],
      [word(summary.higher_is_better ? "higher_better" : "lower_better")]).join(" · ");
  }

  function secondParam(summary, points) {
    // The second parameter of a two-parameter grid, its values in order, or null.
    var params = (state.board && state.board.assignment && state.board.assignment.params) || [];
    if (params.length < 2 || !points.some(function (p) { return p.value2 !== undefined; })) {
      return null;
    }
    var values = [];
    var keys = {};
    points.forEach(function (p) {
      var k = groupKey(p.value2);
      if (!(k in keys)) { keys[k] = true; values.push(p.value2); }
    });
    values.sort(function (a, b) {
      if (isNumber(a) && isNumber(b)) return a - b;
      return String(a).localeCompare(String(b));
    });
    var index = {};
    values.forEach(function (v, k) { index[groupKey(v)] = k; });
    return {
      name: params[1], values: values,
      index: function (v) { return index[groupKey(v)] || 0; }
    };
  }

  function cross(x, y, colour) {
    return svgEl("path", {
      d: "M" + (x - 6) + "," + (y - 6) + "L" + (x + 6) + "," + (y + 6) + "M" + (x - 6) + "," +
        (y + 6) + "L" + (x + 6) + "," + (y - 6), stroke: colour, "stroke-width": 3, class: "dot"
    });
  }

  function drawByStudent(box, summary, note) {
    // Nothing assigned: one slot per student, best first.
    var points = (summary.points || []).slice().sort(function (p, q) {
      var a = isNumber(p.final) ? p.final : null, b = isNumber(q.final) ? q.final : null;
      if (a === null || b === null) return a === null ? (b === null ? 0 : 1) : -1;
      return summary.higher_is_better ? b - a : a - b;
    });
    var metric = metricName(summary.metric);
    var names = points.length <= 24;
    var f = frame(box, metric, { bottom: names ? 100 : 52 });
    var domain = yDomain(points.map(function (p) { return p.final; })) || niceTicks(0, 1, 4);
    var y = yAxis(f, domain);
    var band = (f.w - f.m.left - f.m.right) / Math.max(1, points.length);
    var g = (summary.groups || [])[0];
    var plot = svgEl("g", { "clip-path": f.clip });
    f.svg.appendChild(plot);
    if (g && isNumber(g.mean)) {
      plot.appendChild(svgEl("line", {
        x1: f.m.left, x2: f.w - f.m.right, y1: y(g.mean), y2: y(g.mean), stroke: "#777",
        "stroke-width": 1.5, "stroke-dasharray": "5 4"
      }));
    }
    var bad = 0;
    points.forEach(function (p, k) {
      var x = f.m.left + band * (k + 0.5);
      var label = p.student + " → " + num(p.final);
      if (names) xTick(f, x, shorten(p.student, 14), true);
      if (isNumber(p.final)) {
        dot(f.svg, f, y, domain, x, p.final, 6, PALETTE[0], 0.85, label);
      } else {
        bad += 1;
        plot.appendChild(tip(cross(x, f.m.top + 8, WRONG), label));
      }
    });
    xTitle(f, names ? "" : word("student"));
    var parts = [];
    if (g && isNumber(g.mean)) parts.push(word("mean_line", { mean: num(g.mean) }));
    if (bad) parts.push(word("no_value"));
    if (domain.clipped) parts.push(word("off_scale"));
    parts.push(word(summary.higher_is_better ? "higher_better" : "lower_better"));
    note.textContent = parts.join(" · ");
  }

  function shorten(text, n) {
    text = String(text);
    return text.length > n ? text.slice(0, n - 1) + "…" : text;
  }

  // -- panel 2: every curve -----------------------------------------------------------------
  function drawCurves(panel, summary) {
    var box = panel.querySelector(".chart");
    var legend = clear(panel.querySelector(".legend"));
    var metric = metricName(summary.metric);
    panel.querySelector("h2").textContent = sentence(word("curves_title", { metric: metric }));
    var curves = (summary.curves || []).filter(function (c) { return c.y && c.y.length; });
    if (!curves.length) {
      empty(box, state.board && state.board.runs && state.board.runs.length ? word("no_metric")
        : word("no_runs"));
      return;
    }
    var colour = colours(summary);
    var all = [];
    var epochs = 1;
    curves.forEach(function (c) {
      epochs = Math.max(epochs, c.y.length);
      c.y.forEach(function (v) { all.push(v); });
    });
    var f = frame(box, metric, {});
    var domain = yDomain(all) || niceTicks(0, 1, 4);
    var y = yAxis(f, domain);
    var xd = epochs > 1 ? niceTicks(1, epochs, Math.min(8, epochs - 1)) : { ticks: [1] };
    var x = epochs > 1 ? linear(1, epochs, f.m.left + 10, f.w - f.m.right - 10)
      : function () { return (f.m.left + f.w - f.m.right) / 2; };
    xd.ticks.forEach(function (t) {
      if (t >= 1 && t <= epochs && Math.round(t) === t) xTick(f, x(t), String(t), false);
    });
    xTitle(f, word("epoch"));
    var plot = svgEl("g", { "clip-path": f.clip, "fill": "none" });
    f.svg.appendChild(plot);
    curves.forEach(function (c) {
      // Break the line where a value is missing (a diverged epoch travels as null).
      var d = "";
      var pen = false;
      c.y.forEach(function (v, k) {
        if (!isNumber(v)) { pen = false; return; }
        d += (pen ? "L" : "M") + x(k + 1).toFixed(1) + "," + y(v).toFixed(1);
        pen = true;
      });
      if (!d) return;
      var line = svgEl("path", {
        d: d, stroke: colour(c.value), "stroke-width": 2.5, "stroke-opacity": 0.8,
        "stroke-linejoin": "round", class: "curve"
      });
      plot.appendChild(tip(line, c.student + " · " + valueText(c.value)));
      if (c.y.length === 1 && isNumber(c.y[0])) {
        plot.appendChild(svgEl("circle", { cx: x(1), cy: y(c.y[0]), r: 4, fill: colour(c.value) }));
      }
    });
    if (summary.param) {
      legend.appendChild(el("span", "legend-title", word("colour_by", {
        param: paramName(summary.param)
      })));
      (summary.groups || []).forEach(function (g) {
        var item = el("span", "legend-item");
        var swatch = el("span", "swatch");
        swatch.style.backgroundColor = colour(g.value);
        item.appendChild(swatch);
        item.appendChild(document.createTextNode(valueText(g.value)));
        legend.appendChild(item);
      });
    }
    if (domain.clipped) legend.appendChild(el("span", "legend-note", word("off_scale_lines")));
  }

  // -- panel 3: the spread ----------------------------------------------------------------------
  function drawSpread(panel, summary) {
    var box = panel.querySelector(".chart");
    var table = clear(panel.querySelector(".note"));
    var metric = metricName(summary.metric);
    var param = summary.param;
    var title = param === "seed" ? word("seeds_title", { metric: metric })
      : param ? word("spread_title", { metric: metric, param: paramName(param) })
        : word("spread_all_title", { metric: metric });
    panel.querySelector("h2").textContent = sentence(title);
    var points = summary.points || [];
    var groups = summary.groups || [];
    if (!points.length) {
      empty(box, state.board && state.board.runs && state.board.runs.length ? word("no_metric")
        : word("no_runs"));
      return;
    }
    var colour = colours(summary);
    var values = points.map(function (p) { return p.final; });
    groups.forEach(function (g) {
      if (isNumber(g.mean) && isNumber(g.sd)) values.push(g.mean - g.sd, g.mean + g.sd);
    });
    var domain = yDomain(values) || niceTicks(0, 1, 4);
    var rotate = groups.length > 3 && groups.some(function (g) {
      return valueText(g.value).length > 6;
    });
    var f = frame(box, metric, { height: 280, bottom: rotate ? 96 : 52 });
    var y = yAxis(f, domain);
    var band = (f.w - f.m.left - f.m.right) / Math.max(1, groups.length);
    var index = {};
    groups.forEach(function (g, k) {
      index[groupKey(g.value)] = k;
      xTick(f, f.m.left + band * (k + 0.5), param ? valueText(g.value) : word("all"), rotate);
    });
    xTitle(f, rotate ? "" : param ? paramName(param) : "");
    var plot = svgEl("g", { "clip-path": f.clip });
    f.svg.appendChild(plot);
    var seen = {};
    points.forEach(function (p) {
      if (!isNumber(p.final)) return;
      var k = index[groupKey(p.value)];
      if (k === undefined) return;
      var i = seen[k] = (seen[k] || 0) + 1;
      var spread = Math.min(band * 0.35, 40);
      var x = f.m.left + band * (k + 0.5) + spread * (((i * 0.618) % 1) * 2 - 1);
      dot(f.svg, f, y, domain, x, p.final, 5, colour(p.value), 0.55,
        p.student + " → " + num(p.final));
    });
    groups.forEach(function (g, k) {
      if (!isNumber(g.mean)) return;
      var x = f.m.left + band * (k + 0.5);
      var half = Math.min(band * 0.4, 44);
      if (isNumber(g.sd) && g.sd > 0) {
        plot.appendChild(svgEl("path", {
          d: "M" + x + "," + y(g.mean - g.sd) + "V" + y(g.mean + g.sd) + "M" + (x - 8) + "," +
            y(g.mean - g.sd) + "h16M" + (x - 8) + "," + y(g.mean + g.sd) + "h16",
          stroke: INK, "stroke-width": 2, fill: "none"
        }));
      }
      plot.appendChild(svgEl("line", {
        x1: x - half, x2: x + half, y1: y(g.mean), y2: y(g.mean), stroke: INK, "stroke-width": 3
      }));
    });
    // The line per group: n, mean, sd.
    var t = el("table", "numbers");
    var head = el("tr");
    [param ? paramName(param) : word("group"), word("n"), word("mean"), word("sd")].forEach(
      function (h, k) { head.appendChild(el("th", k ? "num" : null, h)); });
    t.appendChild(el("thead")).appendChild(head);
    var body = t.appendChild(el("tbody"));
    groups.forEach(function (g) {
      var row = el("tr");
      var first = el("td");
      var swatch = el("span", "swatch");
      swatch.style.backgroundColor = colour(g.value);
      first.appendChild(swatch);
      first.appendChild(document.createTextNode(param ? valueText(g.value) : word("all")));
      row.appendChild(first);
      row.appendChild(el("td", "num", String(g.n)));
      row.appendChild(el("td", "num", num(g.mean)));
      row.appendChild(el("td", "num", g.n > 1 ? num(g.sd) : "–"));
      body.appendChild(row);
    });
    table.appendChild(t);
    table.appendChild(el("p", "small", word("strip_key") +
      (domain.clipped ? " · " + word("off_scale") : "")));
  }

  // -- panel 4: the room's hardware --------------------------------------------------------
  function drawHardware(panel, summary) {
    var box = clear(panel.querySelector(".table"));
    var note = panel.querySelector(".note");
    panel.querySelector("h2").textContent = word("hardware_title");
    var reference = (state.board && state.board.reference) || {};
    var rows = (summary.hardware || []).map(function (h) {
      return { name: h.student, device: h.device, speed: h.samples_per_second, ref: false };
    });
    (summary.reference || []).forEach(function (r) {
      rows.push({ name: null, device: r.device, speed: r.samples_per_second, ref: true });
    });
    rows.sort(function (a, b) {
      return (isNumber(b.speed) ? b.speed : -1) - (isNumber(a.speed) ? a.speed : -1);
    });
    var fastest = Math.max.apply(null, rows.map(function (r) {
      return isNumber(r.speed) ? r.speed : 0;
    }).concat([1]));
    var t = el("table", "hardware");
    var head = el("tr");
    [word("student"), word("device"), word("samples_per_second")].forEach(function (h, k) {
      head.appendChild(el("th", k === 2 ? "num" : null, h));
    });
    head.appendChild(el("th", "bar-cell"));
    t.appendChild(el("thead")).appendChild(head);
    var body = t.appendChild(el("tbody"));
    rows.forEach(function (r) {
      var row = el("tr", r.ref ? "reference" : "student");
      if (r.ref) { // Martín López (2019)'s device: named in the device column, across both
        var device = el("td", "device", r.device);
        device.colSpan = 2;
        row.appendChild(device);
      } else {
        row.appendChild(el("td", "who", r.name));
        row.appendChild(el("td", "device", r.device));
      }
      row.appendChild(el("td", "num speed", count(r.speed)));
      var cell = el("td", "bar-cell");
      var bar = el("span", "bar");
      bar.style.width = (isNumber(r.speed) ? Math.max(1, 100 * r.speed / fastest) : 0) + "%";
      cell.appendChild(bar);
      row.appendChild(cell);
      body.appendChild(row);
    });
    if (rows.length) box.appendChild(t);
    var lines = [];
    if (!(summary.hardware || []).length) lines.push(word("no_hardware"));
    if (reference.model) lines.push(word("hardware_model", { model: reference.model }));
    if ((summary.reference || []).length) {
      lines.push(reference.source ? word("reference_caption", {
        source: reference.source, model: reference.model || ""
      }) : word("reference_rows"));
    }
    note.textContent = lines.join(" ");
  }

  // -- the header --------------------------------------------------------------------------
  function setState(kind) {
    var node = document.getElementById("state");
    node.className = "state state-" + kind;
    node.textContent = word(kind);
  }

  function drawHeader(board) {
    var summary = board.summary || {};
    document.getElementById("title").textContent = board.title || document.title;
    if (board.code) {
      document.getElementById("join").hidden = false;
      document.getElementById("join-title").textContent = word("join_title");
      document.getElementById("code-label").textContent = word("class_code");
      document.getElementById("code").textContent = board.code;
      document.getElementById("join-hint").textContent = word("join_hint");
      document.getElementById("join-line").textContent = board.join || "";
    }
    var counts = clear(document.getElementById("counts"));
    var c = summary.counts || {
      students: (board.students || []).length, runs: (board.runs || []).length, epochs: 0
    };
    ["students", "runs", "epochs"].forEach(function (key) {
      var item = el("div", "count");
      item.appendChild(el("dt", null, word(key)));
      item.appendChild(el("dd", "count-" + key, grouped(String(c[key] || 0))));
      counts.appendChild(item);
    });
    var select = document.getElementById("metric");
    var metrics = board.metrics || [];
    var shown = Array.prototype.map.call(select.options, function (o) { return o.value; });
    if (!metrics.length) {
      clear(select).appendChild(el("option", null, "–"));
    } else if (shown.join("\n") !== metrics.join("\n")) {
      clear(select);
      metrics.forEach(function (m) {
        var option = el("option", null, metricName(m));
        option.value = m;
        select.appendChild(option);
      });
    }
    if (summary.metric) select.value = summary.metric;
    select.disabled = !metrics.length;
    setState(board.ended ? "ended" : "live");
    var now = new Date();
    document.getElementById("updated").textContent = word("updated", {
      time: now.toTimeString().slice(0, 8)
    });
  }

  function draw() {
    var board = state.board;
    if (!board) return;
    drawHeader(board);
    var summary = board.summary || { points: [], groups: [], curves: [], hardware: [],
      reference: [] };
    drawAgainst(document.getElementById("panel-against"), summary);
    drawCurves(document.getElementById("panel-curves"), summary);
    drawSpread(document.getElementById("panel-spread"), summary);
    drawHardware(document.getElementById("panel-hardware"), summary);
  }

  // -- polling -------------------------------------------------------------------------------
  function schedule(ms) {
    clearTimeout(state.timer);
    state.timer = setTimeout(poll, ms);
  }

  function poll() {
    var url = "api/board?metric=" + encodeURIComponent(state.metric || "");
    var headers = { Accept: "application/json" };
    if (state.etag) headers["If-None-Match"] = state.etag;
    // A board that stops answering mid-request (a laptop asleep, a dropped connection) must
    // not hang the page: give up on the request and retry.
    var abort = typeof AbortController === "function" ? new AbortController() : null;
    var watchdog = abort ? setTimeout(function () { abort.abort(); }, REQUEST_MS) : null;
    fetch(url, { headers: headers, cache: "no-store", credentials: "same-origin",
      signal: abort ? abort.signal : undefined })
      .then(function (response) {
        clearTimeout(watchdog);
        if (response.status === 304) return null;
        if (response.status === 401 || response.status === 403) {
          setState("signed_out");
          throw new Error("signed out");
        }
        if (response.status === 400 && state.metric) {
          state.metric = null; // a metric no run has any more: back to the default
          state.etag = null;
          return null;
        }
        if (!response.ok) throw new Error("HTTP " + response.status);
        state.etag = response.headers.get("ETag");
        return response.json();
      })
      .then(function (board) {
        state.failures = 0;
        var stale = board && board.summary && state.metric && board.summary.metric !== state.metric;
        if (board && !stale) { // (stale: asked for before the metric was changed)
          state.board = board;
          if (!state.metric && board.summary && board.summary.metric) {
            state.metric = board.summary.metric;
          }
          draw();
        } else if (state.board) {
          setState(state.board.ended ? "ended" : "live");
        }
        if (!(state.board && state.board.ended)) schedule(POLL_MS);
      })
      .catch(function (error) {
        clearTimeout(watchdog);
        if (error && error.message === "signed out") return;
        state.failures += 1;
        setState("unreachable");
        schedule(Math.min(POLL_MS * Math.pow(2, state.failures - 1), 15000));
      });
  }

  document.getElementById("metric").addEventListener("change", function (event) {
    state.metric = event.target.value;
    state.etag = null;
    schedule(0);
  });
  document.getElementById("metric-label").textContent = word("metric");
  if (labels.lang) document.documentElement.lang = labels.lang;

  var resizing = null;
  window.addEventListener("resize", function () {
    clearTimeout(resizing);
    resizing = setTimeout(draw, 150);
  });

  setState("loading");
  poll();
})();
