using System.Globalization;
using System.Net;
using System.Text;
using EfaPlatform.AppHost.Hosting;

namespace EfaPlatform.AppHost.Dashboard;

/// <summary>The dashboard's one page: rendered on the server so that it shows the resources at once, then kept live by a small script.</summary>
internal static class DashboardPage
{
    public const int MaxLines = 1000;

    public static string Render(IReadOnlyList<Resource> resources)
    {
        var rows = new StringBuilder();
        foreach (var resource in resources)
        {
            var view = ResourceView.From(resource);
            rows.Append(CultureInfo.InvariantCulture, $"""
                <tr data-resource="{Encode(view.Name)}">
                  <th scope="row"><button type="button" class="logs-link" data-name="{Encode(view.Name)}">{Encode(view.Name)}</button></th>
                  <td data-field="type">{Encode(view.Type)}</td>
                  <td data-field="state"><span class="state state-{Encode(view.State)}">{Encode(view.State)}</span></td>
                  <td data-field="health">{Encode(view.Health)}</td>
                  <td data-field="endpoints">{string.Join("<br>", view.Endpoints.Select(e => $"{Encode(e.Name)}: {Encode(e.Url)}"))}</td>
                  <td data-field="pid">{view.ProcessId?.ToString(CultureInfo.InvariantCulture) ?? "–"}</td>
                  <td data-field="restarts">{view.RestartCount}</td>
                  <td data-field="started">{view.StartedAt?.ToString("u", CultureInfo.InvariantCulture) ?? "–"}</td>
                </tr>
                """);
        }

        var options = string.Concat(resources.Select(r => $"<option value=\"{Encode(r.Name)}\">{Encode(r.Name)}</option>"));
        return $$"""
            <!doctype html>
            <html lang="en">
            <head>
              <meta charset="utf-8">
              <meta name="viewport" content="width=device-width, initial-scale=1">
              <title>EfaPlatform – AppHost dashboard</title>
              <link rel="stylesheet" href="/dashboard.css">
            </head>
            <body>
              <header><h1>EfaPlatform AppHost</h1><p>Resources of this local platform. Updated every second.</p></header>
              <main>
                <section aria-labelledby="resources-heading">
                  <h2 id="resources-heading">Resources</h2>
                  <table id="resources">
                    <thead><tr><th scope="col">Name</th><th scope="col">Type</th><th scope="col">State</th><th scope="col">Health</th>
                      <th scope="col">Endpoints</th><th scope="col">PID</th><th scope="col">Restarts</th><th scope="col">Started (UTC)</th></tr></thead>
                    <tbody>{{rows}}</tbody>
                  </table>
                </section>
                <section aria-labelledby="logs-heading">
                  <h2 id="logs-heading">Console output</h2>
                  <label for="log-resource">Resource</label>
                  <select id="log-resource">{{options}}</select>
                  <pre id="logs" tabindex="0" aria-live="off" aria-label="Console output of the selected resource"></pre>
                </section>
              </main>
              <script src="/dashboard.js"></script>
            </body>
            </html>
            """;
    }

    public const string Styles = """
        body { font-family: system-ui, sans-serif; margin: 1.5rem; color: #1b1b1b; }
        table { border-collapse: collapse; width: 100%; }
        th, td { text-align: left; padding: .35rem .6rem; border-bottom: 1px solid #ddd; vertical-align: top; }
        .state { padding: .1rem .45rem; border-radius: .6rem; background: #eee; }
        .state-running { background: #d6f5d6; } .state-unhealthy, .state-exited, .state-failed { background: #f9d2d2; }
        .state-starting, .state-restarting { background: #fff1c2; }
        .logs-link { font: inherit; font-weight: bold; background: none; border: none; padding: 0; color: #0b4f9c; cursor: pointer; text-decoration: underline; }
        pre { background: #111; color: #e6e6e6; padding: .8rem; height: 28rem; overflow: auto; font-size: .82rem; }
        .stderr { color: #ff9a9a; } .apphost { color: #9ad0ff; }
        """;

    public const string Script = """
        'use strict';
        const maxLines = 1000;
        const select = document.getElementById('log-resource');
        const logs = document.getElementById('logs');
        let after = 0;

        function cell(row, field) { return row.querySelector(`[data-field="${field}"]`); }

        async function refreshResources() {
          const response = await fetch('/api/resources', { credentials: 'same-origin' });
          if (!response.ok) return;
          for (const r of await response.json()) {
            const row = document.querySelector(`tr[data-resource="${CSS.escape(r.name)}"]`);
            if (!row) continue;
            const state = document.createElement('span');
            state.className = `state state-${r.state}`;
            state.textContent = r.state;
            cell(row, 'state').replaceChildren(state);
            cell(row, 'type').textContent = r.type;
            cell(row, 'health').textContent = r.health;
            cell(row, 'pid').textContent = r.processId ?? '–';
            cell(row, 'restarts').textContent = r.restartCount;
            cell(row, 'started').textContent = r.startedAt ? r.startedAt.replace('T', ' ').replace(/\.\d+/, '') : '–';
            const endpoints = cell(row, 'endpoints');
            endpoints.replaceChildren(...r.endpoints.flatMap((e, i) => [i ? document.createElement('br') : '', `${e.name}: ${e.url}`].filter(x => x !== '')));
          }
        }

        async function refreshLogs() {
          const name = select.value;
          const response = await fetch(`/api/resources/${encodeURIComponent(name)}/logs?after=${after}`, { credentials: 'same-origin' });
          if (!response.ok || name !== select.value) return;
          const lines = await response.json();
          const atBottom = logs.scrollTop + logs.clientHeight >= logs.scrollHeight - 4;
          for (const line of lines) {
            const span = document.createElement('span');
            span.className = line.stream;
            span.textContent = line.text + '\n';
            logs.appendChild(span);
            after = line.sequence;
          }
          while (logs.childNodes.length > maxLines) logs.removeChild(logs.firstChild);
          if (atBottom) logs.scrollTop = logs.scrollHeight;
        }

        function show(name) { select.value = name; after = 0; logs.replaceChildren(); refreshLogs(); }
        select.addEventListener('change', () => show(select.value));
        document.querySelectorAll('.logs-link').forEach(b => b.addEventListener('click', () => { show(b.dataset.name); logs.focus(); }));

        async function tick() {
          try { await refreshResources(); await refreshLogs(); } catch { /* the AppHost may be stopping */ }
          setTimeout(tick, 1000);
        }
        tick();
        """;

    private static string Encode(string value) => WebUtility.HtmlEncode(value);
}
