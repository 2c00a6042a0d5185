using EfaPlatform.Documents.Storage;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;

namespace EfaPlatform.Documents.Tests;

/// <summary>The documents service's HTTP API as the tests call it, with the files they upload.</summary>
public abstract class DocumentsApi(string baseUrl) : IDisposable
{
    protected const string ProblemJson = "application/problem+json";
    protected readonly HttpClient _http = new() { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromSeconds(120) };

    public static byte[] Pdf(int size = 4096)
    {
        var body = new byte[size];
        Random.Shared.NextBytes(body);
        "%PDF-1.7\n"u8.CopyTo(body);
        return body;
    }

    public async Task<(HttpStatusCode Status, JsonElement Body, HttpResponseMessage Response)> UploadAsync(string? token, HttpContent content, string? fileName)
    {
        var query = fileName is null ? "" : $"?fileName={Uri.EscapeDataString(fileName)}";
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/documents/v1/uploads" + query) { Content = content };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        try
        {
            return (response.StatusCode, text.Length == 0 ? default : JsonSerializer.Deserialize<JsonElement>(text), response);
        }
        catch (JsonException)
        {
            throw new InvalidOperationException($"{(int)response.StatusCode} {response.Content.Headers.ContentType}: {text[..Math.Min(text.Length, 500)]}");
        }
    }

    public async Task<HttpResponseMessage> GetAsync(string path, string? token, Action<HttpRequestMessage>? configure = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        configure?.Invoke(request);
        return await _http.SendAsync(request);
    }

    public async Task<int> DocumentCountAsync(string token) =>
        (await (await GetAsync("/api/documents/v1/documents?pageSize=100", token)).Content.ReadFromJsonAsync<JsonElement>())
        .TryGetProperty("documents", out var list) ? list.GetArrayLength() : 0;

    /// <summary>A PDF that carries the EICAR test string, which the repository's test signatures recognise as malware.</summary>
    public static byte[] InfectedPdf() =>
        [.. "%PDF-1.4\n1 0 obj\n<<>>\nstream\n"u8.ToArray(), .. Eicar, .. "\nendstream\nendobj\n%%EOF\n"u8.ToArray()];

    public static readonly byte[] Eicar = "X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"u8.ToArray();

    public async Task<JsonElement> DocumentAsync(string token, string id) =>
        await (await GetAsync($"/api/documents/v1/documents/{id}", token)).Content.ReadFromJsonAsync<JsonElement>();

    public async Task<List<JsonElement>> ListAsync(string token) =>
        (await (await GetAsync("/api/documents/v1/documents?pageSize=100", token)).Content.ReadFromJsonAsync<JsonElement>())
        .TryGetProperty("documents", out var list) ? [.. list.EnumerateArray()] : [];

    public void Dispose()
    {
        _http.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>Sends its content without a Content-Length, as a browser streaming a file does with chunked encoding.</summary>
    protected sealed class ChunkedContent(HttpContent inner) : HttpContent
    {
        protected override Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context) => inner.CopyToAsync(stream);

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }

        protected override void Dispose(bool disposing)
        {
            inner.Dispose();
            base.Dispose(disposing);
        }
    }

    /// <summary>A PDF-looking stream of <c>size</c> bytes made on the fly and hashed as it is read: the test holds none of it.</summary>
    protected sealed class GeneratedPdfStream(long size, HashAlgorithm hash) : ReadOnlyStream
    {
        private long _position;
        private bool _finished;

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = (int)Math.Min(count, size - _position);
            if (n <= 0)
            {
                if (!_finished)
                {
                    hash.TransformFinalBlock([], 0, 0);
                    _finished = true;
                }

                return 0;
            }

            Random.Shared.NextBytes(buffer.AsSpan(offset, n));
            if (_position == 0)
            {
                "%PDF-1.7\n"u8.CopyTo(buffer.AsSpan(offset));
            }

            hash.TransformBlock(buffer, offset, n, null, 0);
            _position += n;
            return n;
        }

        public override long Length => size;
    }
}
