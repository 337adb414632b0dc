-- Names as evidence, never as keys: a key that ignores what departments do to names
-- (spaces, the middle dot typed as ".", "•", "・" or "‧", traditional characters) so that two
-- spellings of one name compare equal. The table covers characters common in names; see
-- docs/governance.md. translate() rebuilds its table on every call, so it runs only on the
-- few names that hold one of those characters.
CREATE OR REPLACE MACRO dx_name_key(s) AS CASE
  WHEN regexp_matches(s, '[[:space:]　.•・‧･張陳劉趙黃吳鄭孫馬楊許鄧馮韓蕭葉羅蘇盧蔣錢顧龍鍾譚陸賈範萬閻謝鄒華偉軍國東紅麗強鳳傑濤義興榮慶寶輝蘭雲誠衛樂銘嶺綠鳴長貴財發順聖靜巖艷韋莊雙鐵賢婭嬌湯潔澤濱瑩壽愛憶風飛鵬麥齊嚴農閔歐陽遲喬賀鄔藍龔鄺塗婁廣鄉寧習學書達爾圖勝昇傳倫鋒剛語瓊穎嵐紀縣區鎮]') THEN translate(
    regexp_replace(s, '[[:space:]　]+', '', 'g'),
    '.•・‧･' || '張陳劉趙黃吳鄭孫馬楊許鄧馮韓蕭葉羅蘇盧蔣錢顧龍鍾譚陸賈範萬閻謝鄒華偉軍國東紅麗強鳳傑濤義興榮慶寶輝蘭雲誠衛樂銘嶺綠鳴長貴財發順聖靜巖艷韋莊雙鐵賢婭嬌湯潔澤濱瑩壽愛憶風飛鵬麥齊嚴農閔歐陽遲喬賀鄔藍龔鄺塗婁廣鄉寧習學書達爾圖勝昇傳倫鋒剛語瓊穎嵐紀縣區鎮',
    '·····' || '张陈刘赵黄吴郑孙马杨许邓冯韩萧叶罗苏卢蒋钱顾龙钟谭陆贾范万阎谢邹华伟军国东红丽强凤杰涛义兴荣庆宝辉兰云诚卫乐铭岭绿鸣长贵财发顺圣静岩艳韦庄双铁贤娅娇汤洁泽滨莹寿爱忆风飞鹏麦齐严农闵欧阳迟乔贺邬蓝龚邝涂娄广乡宁习学书达尔图胜升传伦锋刚语琼颖岚纪县区镇'
  )
  ELSE s
END;

-- A company name as evidence: a person's name key, with full-width brackets as half-width
-- (departments type 包头市某某（集团）有限公司 both ways).
CREATE OR REPLACE MACRO dx_company_name_key(s) AS replace(replace(dx_name_key(s), '（', '('), '）', ')');
