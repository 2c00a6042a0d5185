namespace EfaPlatform.AppHost;

/// <summary>
/// The development municipality (Heidelberg). Identity creates it with this id and forms activates the catalog for
/// it, so both seeds name the same tenant without asking each other.
/// </summary>
public static class DevelopmentTenant
{
    public const string Id = "0193f1d2-6a00-7000-8000-0000000008a2";
}
