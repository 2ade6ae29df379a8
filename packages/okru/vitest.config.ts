import { defineProject } from "vitest/config"

export default defineProject({
  test: {
    name: "okru",
    include: ["test/**/*.test.ts"]
  }
})
