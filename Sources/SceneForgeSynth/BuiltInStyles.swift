extension AppStyle {
    /// The shipped styles: two or three per app family of domain.md.
    public static let builtIn: [AppStyle] = [
        AppStyle(
            name: "food-yellow", family: .foodDelivery, resembles: "Meituan-like food delivery (yellow header, red-orange prices)",
            primary: Colour(hex: 0xFFC300), secondary: Colour(hex: 0xFFE14D), accent: Colour(hex: 0xFF4A26),
            headers: [.solid, .gradient], cornerRadius: 0.022, density: 1.1, darkChance: 0.15,
            pictureHues: [20, 35, 10, 50, 90], cardList: 0.6),
        AppStyle(
            name: "food-blue", family: .foodDelivery, resembles: "Ele.me-like food delivery (bright blue header)",
            primary: Colour(hex: 0x0A8CFF), secondary: Colour(hex: 0x39B4FF), accent: Colour(hex: 0xFF5339),
            headers: [.gradient, .solid], cornerRadius: 0.02, density: 1.0, darkChance: 0.15,
            pictureHues: [15, 30, 45, 100], cardList: 0.5),
        AppStyle(
            name: "coffee-navy", family: .foodDelivery, resembles: "Luckin-like coffee ordering (navy, airy)",
            primary: Colour(hex: 0x1B3A8C), secondary: Colour(hex: 0x3559B5), accent: Colour(hex: 0x1B3A8C),
            headers: [.plain, .solid], cornerRadius: 0.03, density: 0.75, darkChance: 0.2,
            pictureHues: [30, 25, 210, 40], cardList: 0.8),
        AppStyle(
            name: "travel-blue", family: .travel, resembles: "Ctrip-like travel booking (blue gradient, orange prices)",
            primary: Colour(hex: 0x2681FF), secondary: Colour(hex: 0x4FC3FF), accent: Colour(hex: 0xFF7700),
            headers: [.gradient, .solid], cornerRadius: 0.025, density: 1.0, darkChance: 0.15,
            pictureHues: [200, 190, 120, 30, 220], cardList: 0.7),
        AppStyle(
            name: "rail-blue", family: .travel, resembles: "12306-like rail tickets (plain blue, square, dense)",
            primary: Colour(hex: 0x1E6FD0), secondary: Colour(hex: 0x2F86E8), accent: Colour(hex: 0xF25C05),
            headers: [.solid], cornerRadius: 0.008, density: 1.3, darkChance: 0.1,
            pictureHues: [210, 200, 150], cardList: 0.2),
        AppStyle(
            name: "shop-orange", family: .ecommerce, resembles: "Taobao-like marketplace (orange gradient, round cards)",
            primary: Colour(hex: 0xFF5000), secondary: Colour(hex: 0xFF9000), accent: Colour(hex: 0xFF3D00),
            headers: [.gradient, .solid], cornerRadius: 0.035, density: 1.2, darkChance: 0.15,
            pictureHues: [0, 30, 200, 280, 330, 60], cardList: 0.9),
        AppStyle(
            name: "shop-red", family: .ecommerce, resembles: "JD-like retail (red header, white cards)",
            primary: Colour(hex: 0xE4393C), secondary: Colour(hex: 0xF2644A), accent: Colour(hex: 0xE4393C),
            headers: [.solid, .gradient], cornerRadius: 0.022, density: 1.1, darkChance: 0.15,
            pictureHues: [0, 210, 40, 160], cardList: 0.7),
        AppStyle(
            name: "shop-bargain", family: .ecommerce, resembles: "Pinduoduo-like group buying (red, crowded, small radii)",
            primary: Colour(hex: 0xE02E24), secondary: Colour(hex: 0xFF6034), accent: Colour(hex: 0xE02E24),
            headers: [.plain, .solid], cornerRadius: 0.012, density: 1.4, darkChance: 0.05,
            pictureHues: [0, 20, 90, 300, 50], cardList: 0.4),
        AppStyle(
            name: "video-pink", family: .video, resembles: "Bilibili-like video (pink accents, white or dark page)",
            primary: Colour(hex: 0xFB7299), secondary: Colour(hex: 0xFF9DB8), accent: Colour(hex: 0xFB7299),
            headers: [.plain, .solid], cornerRadius: 0.02, density: 1.0, darkChance: 0.35,
            pictureHues: [220, 280, 330, 180, 30], cardList: 0.8),
        AppStyle(
            name: "video-dark", family: .video, resembles: "Tencent-Video-like streaming (dark page, orange accents)",
            primary: Colour(hex: 0xFF6022), secondary: Colour(hex: 0xFFA033), accent: Colour(hex: 0xFF8A1F),
            headers: [.plain, .gradient], cornerRadius: 0.015, density: 0.9, darkChance: 0.8,
            pictureHues: [210, 260, 20, 170], cardList: 0.5),
        AppStyle(
            name: "pay-green", family: .payments, resembles: "WeChat-Pay-like wallet (grey page, green actions)",
            primary: Colour(hex: 0x07C160), secondary: Colour(hex: 0x2AAE67), accent: Colour(hex: 0x07C160),
            headers: [.plain, .solid], cornerRadius: 0.018, density: 0.85, darkChance: 0.25,
            pictureHues: [140, 200, 40], cardList: 0.5),
        AppStyle(
            name: "pay-blue", family: .payments, resembles: "Alipay-like wallet (blue header, rounded tiles)",
            primary: Colour(hex: 0x1677FF), secondary: Colour(hex: 0x3E9BFF), accent: Colour(hex: 0xFF5B05),
            headers: [.solid, .gradient], cornerRadius: 0.028, density: 1.0, darkChance: 0.2,
            pictureHues: [210, 190, 30, 0], cardList: 0.8),
    ]

    /// The built-in style called `name`; the error lists the names there are.
    public static func named(_ name: String) throws -> AppStyle {
        guard let style = builtIn.first(where: { $0.name == name }) else {
            throw SynthError("unknown style '\(name)' (known: \(builtIn.map(\.name).joined(separator: ", ")))")
        }
        return style
    }
}
