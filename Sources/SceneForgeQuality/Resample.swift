import SceneForgeImaging

extension RGBAImage {
    /// The image box-averaged down to `width` pixels wide (height keeps the aspect), so every measurement
    /// runs at one working size whatever size was generated. Returns the image itself when already that wide.
    public func downsampled(toWidth width: Int) throws -> RGBAImage {
        guard width > 0, width < self.width else { return self }
        let height = max(1, Int((Double(self.height) * Double(width) / Double(self.width)).rounded()))
        var out = [UInt8](repeating: 255, count: width * height * 4)
        for y in 0..<height {
            let y0 = y * self.height / height, y1 = max(y0 + 1, (y + 1) * self.height / height)
            for x in 0..<width {
                let x0 = x * self.width / width, x1 = max(x0 + 1, (x + 1) * self.width / width)
                for c in 0..<3 {
                    var sum = 0
                    for sy in y0..<y1 { for sx in x0..<x1 { sum += Int(pixels[(sy * self.width + sx) * 4 + c]) } }
                    out[(y * width + x) * 4 + c] = UInt8(sum / ((y1 - y0) * (x1 - x0)))
                }
            }
        }
        return try RGBAImage(width: width, height: height, pixels: out)
    }
}
