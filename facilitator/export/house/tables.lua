-- Column widths for Word/ODT tables (facilitator's house style).
-- The CommonMark/gfm reader gives every column the same width, which breaks a long
-- label mid-word ("Syste/emwe/reld"). Here each column gets at least its longest
-- word, the rest of the page width shared by how much text a column holds, and a
-- table that needs less than the page stays narrower.
local BUDGET = 88 -- characters across the text width (A4, 2.5 cm margins, 9.5 pt)
local PAD = 3     -- a cell's padding (both sides), in characters

local function len(s) return utf8.len(s) or #s end

function Table(tbl)
  local n = #tbl.colspecs
  local word, text = {}, {}
  for i = 1, n do word[i], text[i] = 1, 1 end
  local function scan(rows)
    for _, row in ipairs(rows) do
      for i, cell in ipairs(row.cells) do
        if i <= n then
          local s = pandoc.utils.stringify(cell.contents)
          for w in s:gmatch("%S+") do word[i] = math.max(word[i], len(w)) end
          text[i] = math.max(text[i], len(s))
        end
      end
    end
  end
  scan(tbl.head.rows)
  for _, body in ipairs(tbl.bodies) do scan(body.body) end
  scan(tbl.foot.rows)
  local want, least, sum_want, sum_least = {}, {}, 0, 0
  for i = 1, n do
    least[i] = word[i] + PAD
    want[i] = math.max(least[i], math.min(text[i], 40) + PAD)
    sum_want, sum_least = sum_want + want[i], sum_least + least[i]
  end
  local widths = {}
  if sum_want <= BUDGET then
    for i = 1, n do widths[i] = want[i] / BUDGET end
  elseif sum_least <= BUDGET then
    -- every column keeps its longest word; the room left goes to those that want more
    local room, extra = BUDGET - sum_least, sum_want - sum_least
    for i = 1, n do widths[i] = (least[i] + room * (want[i] - least[i]) / extra) / BUDGET end
  else
    for i = 1, n do widths[i] = least[i] / sum_least end
  end
  for i = 1, n do tbl.colspecs[i] = {tbl.colspecs[i][1], widths[i]} end
  return tbl
end
