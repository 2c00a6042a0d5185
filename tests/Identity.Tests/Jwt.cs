using System.Text.Json;
using Microsoft.IdentityModel.Tokens;

namespace EfaPlatform.Identity.Tests;

internal static class Jwt
{
    public static JsonElement Payload(string token) => JsonSerializer.Deserialize<JsonElement>(Base64UrlEncoder.Decode(token.Split('.')[1]));

    public static string Header(string token, string name) =>
        JsonSerializer.Deserialize<JsonElement>(Base64UrlEncoder.Decode(token.Split('.')[0])).GetProperty(name).GetString()!;

    public static string AccessToken(this JsonElement tokenResponse) => tokenResponse.GetProperty("access_token").GetString()!;
}
